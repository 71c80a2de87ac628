import type { IntentReading } from './intent-detection.js';
import type { PromptKind } from './system-prompt.js';
import type { DialogAct, Intent } from './types.js';

/**
 * The dialogue acts of a sentence. Yes and no are read against the receptionist's last
 * question: "yes" to "shall I book it?" accepts the intent, to "is that right?" the details,
 * to "how about 3 pm?" the offer. A change of details after "is that right?" is a no.
 */
export interface ActClues {
  words: string;
  prompt: PromptKind;
  intent: IntentReading | undefined;
  previousIntent: Intent | undefined;
  /** What the receptionist's offer proposed, when it offered an intent ("shall I book it?"). */
  offered: Intent | undefined;
  /** The sentence gives a date, time, service, name or other detail. */
  informs: boolean;
  /** The detail given is one the receptionist just offered ("noon" after "11:30 or noon?"). */
  picksOffered: boolean;
  requests: boolean;
}

/** Phrases that open a yes, as callers say them. */
const yesOpeners = [
  'yes', 'yeah', 'uhhuh', 'yep', 'yup', 'yea', 'ya', 'sure', 'ok', 'okay', 'k', 'correct', 'right', 'exactly', 'absolutely', 'definitely',
  'most definitely', 'certainly', 'of course', 'please do', 'please try', "that's right", 'that is right', "that's correct",
  'that is correct', 'great', 'perfect', 'good', 'fine', 'works', 'go ahead', 'alright', 'all right', 'awesome', 'excellent', 'cool',
  'nice', 'wonderful', 'do it', 'done', 'affirmative', 'agreed', 'i agree', 'love', 'lovely', 'splendid', 'brilliant', 'fantastic',
  'i can do that', 'i can make', "let's do", "let's go", "i'll take", "i'd like to try", "i'd like that", "that'll do", 'that will do',
  'sounds', 'seems', 'i like', 'i love', "i'm interested", 'i am interested', "that's the one", 'this is the one', 'that one', 'this one',
  'i would like that', 'i would like this', "i'd like this", "i'll try", "i'll go with", "i'll pick", "i'll choose", "let's go with",
  'go with', 'confirmed', 'you got it', 'spot on', 'this is what i want', 'this is exactly what i want', "that's what i want",
  "that's exactly what i want", 'you nailed it', 'you have nailed it',
];
/** "that sounds great", "this one would be perfect", "it works for me". */
const approval =
  "^(?:i think )?(?:this|that|it|they|he|she|which)?\\s*(?:one|place|option|person)?\\s*(?:would|will|should|could|may|might)?\\s*(?:be|is|'s|s|sounds?|seems?|looks?|suits?|works?)\\s+(?:a |like a |really |very |so |pretty |just |all |me )*(?:good|great|nice|fine|perfect|ok|okay|alright|correct|right|ideal|excellent|awesome|well|wonderful|lovely|interesting|work|for me|better|fantastic|amazing|cool)\\b";
const positive = new RegExp(`^(?:${yesOpeners.join('|')})\\b|${approval}`);

/** Phrases that open a no, including "not now" answers to an offer. */
const noOpeners = [
  'no', 'nope', 'nah', 'not', 'negative', "don't", 'do not', 'never ?mind', 'not now', 'not yet', 'not today', 'no thanks', 'no thank you',
  "that's wrong", 'wrong', 'incorrect', "i don't", 'i do not', 'skip', 'cancel that', 'nothing', 'none', 'later', 'possibly later',
  'perhaps later', 'maybe later', 'maybe another time', 'maybe some other time', 'maybe in a bit', 'maybe at a later', 'some other time',
  'another time', 'perhaps a later', 'perhaps at a later', 'in a bit',
];
const notNow = ['not (?:right )?now', 'not yet', 'not today', 'not at the moment', 'perhaps later', 'maybe later', 'not interested', "don't want to", 'rather not'];
const negative = new RegExp(`^(?:${noOpeners.join('|')})\\b|\\b(?:${notNow.join('|')})\\b`);
const thanks = /\b(?:thanks?|thank you|thankyou|thx|ty|appreciated?|grateful|cheers)\b/;
const goodbye =
  /\bbye\b|\bgoodbye\b|\bsee ya\b|\bthat(?:'s| is| will be|'ll be| would be| was| should be)? (?:all|everything)\b(?! (?:correct|right|good|fine|great|perfect|ok|okay))|\bthat(?:'s| is| was) it (?:for (?:now|today|me)|thanks?|thank you)\b|\bgot to go\b|\bi'm done\b|\bi am done\b|\bnothing (?:else|more|further)\b|\bi'm (?:good|all set|set)(?: for now)?\b|\bdon't need anything\b|\bneed nothing\b|\ball set\b|\bhave a (?:good|nice|great|lovely)\b|\bsee you\b|\btake care\b|\bi'm good to go\b|\bthat's enough\b/;
const options =
  '(?:options?|ones?|salons?|dentists?|doctors?|therapists?|times?|slots?|places?|choices?|suggestions?|stylists?|providers?|days?|dates?|names?|results?|counselors?|psychologists?|psychiatrists?|clinics?|specialists?|practitioners?|kinds?|people|openings?)';
const alternatives = new RegExp(
  [
    `\\b(?:other|another|different|more|new)\\s+(?:\\w+\\s+)?${options}\\b|\\b(?:any|some)\\s+(?:other|more)\\s+(?:\\w+\\s+)?${options}\\b`,
    '\\b(?:any|some|the|few|see) others\\b|^others\\b|\\bothers\\s*$',
    '\\bany ?(?:other|thing else|one else|body else|where else)\\b|\\b(?:something|someone|somebody|somewhere) else\\b',
    '\\belse available\\b|\\balternatives?\\b|\\bwhat else\\b|\\bkeep looking\\b|\\b(?:look for|find|try|suggest|show me) another\\b|\\banother one\\b|\\banother (?:please|instead)\\b|\\banother\\s*$',
  ].join('|'),
);

function answerActs(clues: ActClues, yes: boolean, no: boolean): DialogAct[] {
  const { prompt } = clues;
  const askedForMore = prompt === 'anything_else' || prompt === 'failed_anything_else';
  if (askedForMore && (no || (!yes && goodbye.test(clues.words)))) return ['negate', 'thank_you'];
  if (askedForMore) return [];
  const offeredChoice = prompt === 'offer' || prompt === 'info' || prompt === 'statement' || prompt === 'question';
  if (clues.picksOffered && offeredChoice) return ['select'];
  if (prompt === 'offer_intent') {
    // "I'd like to book it for 4:30" answers "shall I book it?" as a yes.
    if (no || /^(?:skip|leave|don't|do not)\b/.test(clues.words)) return ['negate_intent'];
    const accepts = yes || (clues.intent !== undefined && !clues.intent.weak && clues.intent.intent === clues.offered);
    return accepts ? ['affirm_intent'] : [];
  }
  if (prompt === 'confirm') {
    // Asking for the address while checking the details takes them as right.
    if (yes || /^(?:thanks?|thank you)\b/.test(clues.words) || (clues.requests && !no)) return ['affirm'];
    return no || clues.informs ? ['negate'] : [];
  }
  if (prompt === 'question') return no ? ['negate'] : [];
  if (prompt === 'failed') return yes || /^(?:thanks?|thank you) (?:i|that)\b/.test(clues.words) ? ['affirm'] : no ? ['negate'] : [];
  if (prompt === 'done' || prompt === 'statement') return no ? ['negate'] : [];
  if (yes && clues.requests) return [];
  if (yes && (prompt === 'offer' || prompt === 'info')) return ['select'];
  // With nothing asked yet, a leading "yeah" or "ok" is how the caller starts talking.
  if (prompt === 'none') return [];
  if (yes) return ['affirm'];
  if (no) return ['negate'];
  return [];
}

/** Whether stating an intent here is news: not when it only answers the receptionist's question. */
function statesIntent(clues: ActClues, acts: Set<DialogAct>): boolean {
  const { intent, prompt } = clues;
  if ((prompt === 'failed' || prompt === 'failed_anything_else') && (clues.informs || intent)) return true;
  if (!intent || acts.has('affirm_intent') || acts.has('negate_intent') || prompt === 'question' || prompt === 'confirm') return false;
  if (intent.weak && acts.has('request_alts')) return false;
  return intent.intent !== clues.previousIntent || prompt === 'anything_else' || prompt === 'none' || prompt === 'done' || prompt === 'statement';
}

export function detectActs(clues: ActClues): DialogAct[] {
  const { words } = clues;
  const yes = positive.test(words);
  const no = !yes && negative.test(words);
  const acts = new Set<DialogAct>(answerActs(clues, yes, no));
  const closing = acts.has('thank_you') && acts.has('negate');
  const thanksAsYes = acts.has('affirm') && /^(?:thanks?|thank you)\b/.test(words);
  if (!closing && !thanksAsYes && !(clues.prompt === 'confirm' && acts.has('affirm')) && thanks.test(words)) acts.add('thank_you');
  if (!closing && goodbye.test(words)) acts.add('goodbye');
  if (acts.has('goodbye') && clues.prompt === 'offer') {
    // Ending the call on an offer takes it: "thanks, that's all" after "how about Dr Shah?".
    acts.add('select');
    acts.delete('thank_you');
  }
  if (alternatives.test(words) && !closing && !acts.has('negate_intent')) {
    acts.add('request_alts');
    acts.delete('negate');
  }
  if (clues.prompt === 'failed' && acts.has('negate')) acts.delete('thank_you');
  // New details right after an offer, without taking it, ask for something else: "how about in Dublin?".
  const offered = clues.prompt === 'offer' || clues.prompt === 'info';
  if (offered && clues.informs && acts.size === 0 && !clues.intent) acts.add('request_alts');
  if (clues.requests) acts.add('request');
  if (clues.informs) acts.add('inform');
  if (statesIntent(clues, acts)) {
    // After plain information ("their number is ..."), "great, add it to my calendar" moves on rather than choosing.
    if (clues.prompt === 'info') acts.delete('select');
    acts.add('inform_intent');
    const choosing = clues.previousIntent === 'other' && clues.intent?.intent === 'book' && ['offer', 'info', 'statement'].includes(clues.prompt);
    if (choosing) acts.add('select');
  }
  // "thanks, can you also add it to my calendar": the thanks is politeness, not a closing.
  if (acts.has('inform_intent') || acts.has('request') || acts.has('negate_intent')) acts.delete('thank_you');
  return [...acts];
}
