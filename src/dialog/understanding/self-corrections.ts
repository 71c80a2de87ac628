/**
 * Callers correct themselves mid-sentence: "thursday no friday", "at three sorry four", "the
 * 3rd I mean the 4th". When a date or time word is followed by a correction marker and another
 * word of the same kind, the first is dropped so later readers see only what was meant. Both
 * sides must be of the same kind, so "yes no problem" or "friday no thanks" are left alone.
 */

const weekday = 'monday|tuesday|wednesday|thursday|friday|saturday|sunday';
const month = 'january|february|march|april|may|june|july|august|september|october|november|december';
const dayWord = `(?:(?:this|next|on|the)\\s+)?(?:${weekday}|today|tomorrow|tonight|\\d{1,2}(?:st|nd|rd|th)|(?:${month})(?:\\s+\\d{1,2}(?:st|nd|rd|th)?)?)`;
const clockWord = '(?:\\d{1,2}(?::\\d{2})?(?:\\s*(?:am|pm|oclock))?|noon|midday|midnight)';
const marker = '(?:no|nope|sorry|i mean|i meant|actually|wait|make that|make it|or rather|rather|scratch that|correction|oh)';

function correction(kind: string): RegExp {
  return new RegExp(`\\b${kind}\\s+(?:${marker}\\s+)+(?=${kind}\\b)`, 'g');
}

const dayCorrection = correction(dayWord);
const clockCorrection = correction(clockWord);

export function applySelfCorrections(text: string): string {
  return text.replace(dayCorrection, '').replace(clockCorrection, '');
}
