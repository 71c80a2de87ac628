/**
 * "anything earlier?", "a bit later", "sooner": the caller wants the times offered moved one
 * way, not a new time. "Maybe later" and "talk to you later" are about the conversation, not the
 * appointment, and are left alone.
 */
const earlier = /\b(?:earlier|sooner|before (?:that|then))\b/;
const later = /\b(?:later|after (?:that|then))\b/;
const notAboutTheTime = /\b(?:maybe|perhaps|possibly|see you|talk(?: to you)?|speak(?: to you)?|call(?: you)?(?: back)?|text(?: you)?|catch you|try again)\s+later\b/;

export type TimeShift = 'earlier' | 'later';

export function findTimeShift(words: string): TimeShift | undefined {
  if (earlier.test(words)) return 'earlier';
  if (later.test(words) && !notAboutTheTime.test(words)) return 'later';
  return undefined;
}
