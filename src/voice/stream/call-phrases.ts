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
const ANY_BACKCHANNEL = BACKCHANNELS.map((phrase) => phrase.replace(/-/g, '\\-')).join('|');
/** The whole utterance made of backchannels only: "ok", "mm-hmm", "yeah, right", "ok got it". */
const onlyBackchannels = new RegExp(`^(?:(?:${ANY_BACKCHANNEL})(?:\\s+|$))+$`);

/**
 * Backchannels, then the first words of a longer one ("ok got" of "ok got it"): what an interim
 * transcript shows while the caller is still saying a backchannel, since interims grow a word at
 * a time.
 */
const backchannelsSoFar = new RegExp(`^(?:(?:${ANY_BACKCHANNEL})\\s+)*(?:${openingWords(BACKCHANNELS).join('|')})$`);

/** "i", "got", "go": the words a longer backchannel starts with, short of its last. */
function openingWords(phrases: string[]): string[] {
  return phrases.flatMap((phrase) => {
    const words = phrase.split(' ');
    return words.slice(1).map((_word, index) => words.slice(0, index + 1).join(' '));
  });
}

/**
 * True when the utterance is backchannels only. For an interim (`final` false) also when it could
 * still become one: the caller has said "ok got" and "it" has not been transcribed yet. The final
 * transcript decides; meanwhile a barge-in is not declared on half a backchannel.
 */
export function isBackchannel(text: string, final = true): boolean {
  const cleaned = text.toLowerCase().replace(/[^\p{L}\s'-]/gu, ' ').replace(/\s+/g, ' ').trim();
  if (cleaned === '') return false;
  return onlyBackchannels.test(cleaned) || (!final && backchannelsSoFar.test(cleaned));
}
