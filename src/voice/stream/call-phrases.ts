import type { Business } from '../../config/business-schema.js';

/**
 * The fixed things a call says, prepared once per business in the phrase cache so they start
 * with no TTS round trip (the greeting, fillers, goodbyes, the apology when the TTS fails).
 */
export function callPhrases(business: Business) {
  return {
    opening: business.recordingNotice ? `${business.recordingNotice} ${business.greeting}` : business.greeting,
    filler: 'One moment, let me check.',
    silenceGoodbye: `I haven't heard anything, so I'll let you go. Thanks for calling ${business.name}. Goodbye!`,
    timeUp: `I'm sorry, we've run out of time on this call. Thanks for calling ${business.name}. Goodbye!`,
    apology: "Sorry, I'm having a little trouble on my end. One moment.",
  } satisfies Record<string, string>;
}

export function silenceReprompt(lastPrompt: string | undefined): string {
  return `Sorry, I didn't hear anything. ${lastPrompt ?? 'How can I help you?'}`;
}

/** Words and short phrases people say while listening, which do not take the turn. */
const BACKCHANNELS = [
  'ok', 'okay', 'k', 'mm', 'mhm', 'mmhmm', 'mm-hmm', 'hmm', 'uh-huh', 'uhhuh', 'yeah', 'yep', 'right', 'sure', 'alright', 'aha', 'ah', 'oh',
  'i see', 'got it', 'cool', 'go on', 'i know',
];
/** The whole utterance made of backchannels only: "ok", "mm-hmm", "yeah, right", "ok got it". */
const onlyBackchannels = new RegExp(`^(?:(?:${BACKCHANNELS.map((phrase) => phrase.replace(/-/g, '\\-')).join('|')})(?:\\s+|$))+$`);

export function isBackchannel(text: string): boolean {
  const cleaned = text.toLowerCase().replace(/[^\p{L}\s'-]/gu, ' ').replace(/\s+/g, ' ').trim();
  return cleaned !== '' && onlyBackchannels.test(cleaned);
}
