/**
 * What kind of thing the receptionist last said. A bare "yes" or "no" means different things
 * after "shall I book it?" (the intent), "is that right?" (the details), "anything else?" (the
 * end of the call), "how about Dr Shah?" (an offer) and "sorry, I couldn't book that" (a retry).
 */
export type PromptKind =
  | 'offer_intent'
  | 'confirm'
  | 'anything_else'
  | 'offer'
  | 'failed'
  | 'failed_anything_else'
  | 'done'
  | 'info'
  | 'question'
  | 'statement'
  | 'none';

const offerIntent =
  /\b(?:would you like|do you (?:want|wish|need)|shall i|should i|should we|shall we|want me to|can i|may i|like me to|do you also want|are you interested)\b[^?.]*\b(?:book|make|schedule|add|reserve|set up|put|appointment|visit|reservation)\b|\b(?:book|schedule|reserve) (?:an?|the|your) (?:appointment|visit|slot)\s*\?|\bto your calendar\s*\?/;
const confirm =
  /\b(?:confirm\b|confirming|is (?:that|this|it) (?:correct|right|ok)|are these details|correct\s*\?|right\s*\?|okay\s*\?|did you (?:say|mean)|verify|does that sound right|sound good\s*\?|is that what you want)/;
/** Details read back without the word "confirm": "so that's 1:30 pm today", "you'd like Dr Shah at 4 pm". */
const readBack = /\b(?:you(?:'d| would) like|you want|so that's|i'll book|i will book|to book an appointment)\b/;
const slotQuestion = /\b(?:what|which|when|where|whom?)\b[^.?!]*\?|\bcan you tell me\b|\bdo you have a (?:time|date|day|preference|city|specific)\b|\bis there a (?:specific|particular)\b|\bwhat (?:date|time|day|city|type|kind)\b/;
/** Asking the caller to check details, which wins over "booked" or "added" in the same sentence. */
const askToConfirm =
  /\b(?:please confirm|can you confirm|could you confirm|would you confirm|kindly confirm|just to confirm|(?:just )?to make sure|let's confirm|let me confirm|need your confirmation|give (?:me )?(?:your )?confirmation|confirm (?:the|these|that|this|your|to|for|with|me|if|again)|is (?:that|this|it) (?:correct|right|ok))\b/;
const failed = /\b(?:booked up|fully booked|unsuccessful|unable|couldn't|could not|can't|cannot|wasn't able|was not able|went wrong|error|failed|unavailable|not available|isn't available|no longer available)\b/;
const done =
  /\b(?:confirmation|confirmed|successful(?:ly)?|success|e-?mail|complete(?:d)?|all booked(?! up)|is booked|booked for you|you're booked|added to your calendar|(?:you're|you are) all set|is set|(?:been|is|was|i've|i have) (?:made|added|scheduled|booked|reserved)|(?:have|got) a visit scheduled)\b/;
const anythingElse =
  /\b(?:anything else|something else|further assistance|help you with anything|anything more|more help|help you further|anything i can (?:help|do|assist)|assist you (?:further|with anything)|help with anything|(?:else|more) (?:i can|to) (?:help|do|assist)|can i help you (?:with anything|further)|need any(?:thing)? (?:more|further)|can i help\b|could i (?:further )?(?:help|assist)|be of further|(?:what|how) else (?:can|may|could|should) i)/;
const offer =
  /\b(?:(?:you are|you're|you will be|you'll be) (?:open|free|available)|from \d[^.?]*(?:to|until|till) (?:\d|midnight|noon)|nothing (?:scheduled|planned)|how about|what about|there is|there's|there are|i found|i have found|i've found|found \d+|i have \d+|you have|you're free|you are free|empty (?:time )?slots?|is a (?:good|nice|popular|great)|would you like to try|available|i recommend|i suggest|you could try|you may (?:want to )?try|you might|perhaps|how does|works? for you|how would you consider|is also|located in|called|named|recommend|is (?:a|an|another) (?:\w+ )?(?:salon|dentist|doctor|therapist|stylist|practitioner|psychologist|psychiatrist|counselor|barber|clinic|office|option|place))\b/;
const strongOffer = /\b(?:how about|what about|(?:would|do) you (?:like|want) to try|you (?:may|might) (?:want to )?(?:try|like)|how would you consider|maybe you would like)\b/;
const info = /\b(?:address|phone|number|rating|located at|reach (?:him|her|them)|call them|contact)\b/;
/** A date read back ("so March 12th at 1:30 pm?", "is March 1st the date?"). */
const dayOfMonth = /\b(?:january|february|march|april|may|june|july|august|september|october|november|december) \d{1,2}(?:st|nd|rd|th)?\b/;
const clock = /\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b/;

export function classifyPrompt(prompt: string | undefined): PromptKind {
  if (!prompt) return 'none';
  const text = prompt.toLowerCase();
  if (askToConfirm.test(text)) return 'confirm';
  if (failed.test(text) && !done.test(text)) return anythingElse.test(text) ? 'failed_anything_else' : 'failed';
  if (done.test(text)) return anythingElse.test(text) ? 'anything_else' : 'done';
  if (confirm.test(text)) return 'confirm';
  if (/\b(?:anything|something) else\b/.test(text)) return 'anything_else';
  if (strongOffer.test(text)) return 'offer';
  if (slotQuestion.test(text)) return 'question';
  if (offerIntent.test(text)) return 'offer_intent';
  if (anythingElse.test(text)) return 'anything_else';
  if (readBack.test(text) && !text.trimEnd().endsWith('?')) return 'confirm';
  if (offer.test(text)) return 'offer';
  if (clock.test(text) || dayOfMonth.test(text)) return 'confirm';
  if (info.test(text) && !text.includes('?')) return 'info';
  return text.includes('?') ? 'question' : 'statement';
}
