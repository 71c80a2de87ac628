import { detectActs } from './act-detection.js';
import { matchVocabulary } from './business-vocabulary.js';
import { findDigits, findEmail, findName, findPhone } from './contact-details.js';
import { resolveDate } from './date-resolution.js';
import { resolveDateRange } from './date-range.js';
import { detectIntent, offeredIntent, type IntentReading } from './intent-detection.js';
import { givesDetails } from './given-details.js';
import { findChoice } from './option-choice.js';
import { findRequested } from './requested-info.js';
import { readSpoken } from './spoken-text.js';
import { classifyPrompt, type PromptKind } from './system-prompt.js';
import { mentionedTimes, resolveTime } from './time-resolution.js';
import { findTimeShift } from './time-shift.js';
import type { Intent, Slots, Understanding, UnderstandingContext, Understood } from './types.js';

/**
 * Understanding by rules alone: what runs when the language model is slow or down, so it must
 * stand on its own. Each reader does one job; this file only puts their answers together.
 */

/** Questions about another domain ("what's the weather there on the 5th"): their dates are not for booking. */
const otherDomain = /\b(?:weather|forecast|temperature|rain|snow|sunny)\b/;

function slotsOf(
  utterance: string,
  context: UnderstandingContext,
  spoken: ReturnType<typeof readSpoken>,
  prompt: PromptKind,
): Slots {
  const { business, expecting } = context;
  const slots: Slots = {};
  const choice = findChoice(spoken.words, prompt, expecting);
  if (choice !== undefined) slots.choice = choice;
  // A number read out digit by digit would otherwise also read as a clock time ("two one two…").
  const phone = findPhone(utterance, spoken.words, business);
  if (phone) slots.phone = phone;
  const elsewhere = otherDomain.test(spoken.words) || choice !== undefined;
  const date = elsewhere ? undefined : resolveDate(spoken.numeric, context.now, context.timeZone);
  if (date) slots.date = date;
  const dateRange = elsewhere || date ? undefined : resolveDateRange(spoken.words, context.now, context.timeZone);
  if (dateRange) slots.dateRange = dateRange;
  const time = elsewhere || phone ? {} : resolveTime(spoken.numeric, { business, date, expectingTime: expecting === 'time' });
  if (time.time) slots.time = time.time;
  if (time.timeOfDay) slots.timeOfDay = time.timeOfDay;
  Object.assign(slots, matchVocabulary(spoken.words, business));
  const email = findEmail(utterance);
  if (email) slots.email = email;
  const name = findName(spoken.words, expecting === 'name');
  if (name) slots.name = name;
  const digits = phone ? undefined : findDigits(spoken.words);
  if (digits) slots.digits = digits;
  const shift = findTimeShift(spoken.words);
  if (shift) slots.shift = shift;
  const requested = findRequested(spoken.words);
  if (requested.length) slots.requested = requested;
  return slots;
}

/** Whether the caller chose a time the receptionist's last sentence offered. */
function picksOffered(slots: Slots, context: UnderstandingContext): boolean {
  if (!slots.time || !context.previousPrompt) return false;
  const offered = readSpoken(context.previousPrompt).numeric;
  return mentionedTimes(offered, { business: context.business, date: slots.date }).includes(slots.time);
}

function intentOf(reading: IntentReading | undefined, context: UnderstandingContext, prompt: PromptKind, slots: Slots): Intent | undefined {
  const previous = context.previousIntent;
  if (reading?.weak && previous) return previous;
  if (reading) return reading.intent;
  if (prompt === 'offer_intent') return offeredIntent(context.previousPrompt) ?? previous;
  // The receptionist asking for, reading back or reporting a booking's details means the
  // conversation is a booking, even when an earlier sentence was not recognised as one.
  const aboutBooking = ['confirm', 'done', 'failed', 'failed_anything_else', 'question'].includes(prompt);
  if (aboutBooking && (!previous || previous === 'other') && offeredIntent(context.previousPrompt) === 'book') return 'book';
  if (slots.faqTopic && !previous) return 'faq';
  if (previous) return previous;
  if (slots.service || slots.date || slots.time) return 'book';
  return 'other';
}

/**
 * How sure the rules are. High when the sentence states an intent or answers plainly (yes, no,
 * thanks, a date); low when nothing was recognised or only a loose word matched, which is when
 * a language model (if configured) is worth asking. Below 0.6 means "unsure".
 */
function confidenceOf(acts: readonly string[], reading: IntentReading | undefined, slots: Slots, words: string): number {
  if (words === '') return 0;
  let confidence = 0.3;
  if (reading) confidence += reading.weak ? 0.2 : 0.35;
  if (acts.some((act) => act !== 'inform' && act !== 'inform_intent')) confidence += 0.35;
  if (slots.date || slots.time || slots.phone || slots.email) confidence += 0.3;
  else if (slots.service || slots.staff || slots.name || slots.timeOfDay || slots.faqTopic) confidence += 0.15;
  return Math.min(0.95, Number(confidence.toFixed(2)));
}

export function understandByRules(utterance: string, context: UnderstandingContext): Understood {
  const spoken = readSpoken(utterance);
  const prompt = classifyPrompt(context.previousPrompt);
  const slots = slotsOf(utterance, context, spoken, prompt);
  let reading = detectIntent(spoken.words);
  // "can I speak to Anna": asking for a named member of staff is a transfer.
  if (slots.staff && /\b(?:speak|talk|chat) (?:to|with)\b/.test(spoken.words)) reading = { intent: 'transfer', expressed: true };
  if (!reading && slots.faqTopic && /^(?:do|does|is|are|can|where|what|how|when|will)\b/.test(spoken.words)) reading = { intent: 'faq', expressed: true };
  const informs = givesDetails(utterance, spoken.words, slots);
  const acts = detectActs({
    words: spoken.words,
    prompt,
    intent: reading,
    previousIntent: context.previousIntent,
    offered: prompt === 'offer_intent' ? offeredIntent(context.previousPrompt) : undefined,
    informs,
    picksOffered: picksOffered(slots, context),
    requests: (slots.requested?.length ?? 0) > 0 && reading?.intent !== 'faq',
  });
  if (slots.choice !== undefined && !acts.includes('select')) acts.push('select');
  const intent = intentOf(reading, context, prompt, slots);
  return { acts, slots, ...(intent ? { intent } : {}), confidence: confidenceOf(acts, reading, slots, spoken.words) };
}

/** The rules behind the `Understanding` interface, for callers that may swap in a model. */
export class RuleUnderstanding implements Understanding {
  understand(utterance: string, context: UnderstandingContext): Promise<Understood> {
    return Promise.resolve(understandByRules(utterance, context));
  }

  /**
   * Reads a few sentences once so the first caller does not pay for compiling the patterns and
   * loading chrono-node (about 100 ms, against well under 1 ms a sentence afterwards). Call at start.
   */
  warmUp(): void {
    const context: UnderstandingContext = { now: new Date(), timeZone: 'UTC' };
    for (const sentence of warmUpSentences) understandByRules(sentence, context);
  }
}

const warmUpSentences = [
  'i would like to book a haircut next friday at half past two',
  'can you do the 3rd at 4 pm no 5 pm in 2 weeks',
  'my number is 212 555 0142 and my email is jane at example dot com',
];
