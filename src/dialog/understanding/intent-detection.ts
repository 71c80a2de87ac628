import type { Intent } from './types.js';

/**
 * What the caller wants to do, from their own words. `expressed` says the sentence states it
 * ("I'd like to book", "can I move my appointment"), which makes it an `inform_intent` act;
 * a sentence that only carries details leaves the conversation's intent as it was.
 */
export interface IntentReading {
  intent: Intent;
  expressed: boolean;
  /** Only asks what is free ("anything available at 3?"): inside a booking it is still the booking. */
  weak?: boolean;
}

const provider =
  '(?:beauty parlou?r|barber ?shop|dentist|doctor|salon|stylist|hair ?dresser|therapist|psychologist|psychiatrist|practitioner|gp|barber|dermatologist|physician|ophthalmologist|optometrist|pediatrician|paediatrician|gynecologist|cardiologist|orthodontist|chiropractor|counselor|counsellor|specialist|clinic|provider)s?';

const rules: [Intent | 'list' | 'find' | 'openings', RegExp][] = [
  ['transfer', /\b(?:speak|talk|chat)(?: directly)? (?:to|with) (?:a |an |the |your )?(?:someone|somebody|real|human|person|live|receptionist|manager|staff|owner|agent|representative|operator|front desk|people|actual)|\b(?:real|live|actual) (?:person|human|agent)\b|\bhuman being\b|\b(?:an? |the )?(?:operator|representative)\b|\btransfer me\b|\bput me through\b|\bconnect me\b/],
  ['faq', /\bcancell?ation policy\b|\b(?:where|how far) (?:are|is) (?:you|your (?:office|salon|practice|clinic|shop))\b|\bwhere are you located\b|\byour (?:address|location|opening hours|hours|prices|price list|rates|website)\b|\b(?:what|which) (?:are|is) your (?:hours|address|prices?)\b|\bwhat time do you (?:open|close)\b|\bwhen (?:do|are) you (?:open|close)\b|\bare you open\b|\bhow late\b|\bopening hours\b|\b(?:do|does) (?:you|the practice|the salon) (?:take|accept|have|offer|do)\b[^?]*\b(?:insurance|cards?|credit|cash|walk ?ins?|parking|payment plans?|finance|wheelchair|nhs)\b|\binsurance\b|\bhow much (?:is|does|do|for|would)\b|\bwhat does [^?]* cost\b|\b(?:what|how much) do you charge\b|\bhow long does\b|\bparking\b|\bpark (?:my|the) car\b|\bwalk ?ins?\b|\bdirections\b|\bhow do i (?:get|find) (?:to )?you\b/],
  ['cancel', /\bcancel(?:l?ing|l?ed)?\b(?! ?(?:lation)? policy)|\bcall off\b|\b(?:can't|cannot|won't be able to|not be able to|unable to) (?:make (?:it|my appointment)|come)\b|\bdon't need (?:my|the) appointment\b/],
  ['reschedule', /\bre ?schedul|\bre ?book\b|\bpostpone\b|\b(?:move|change|push back|push|shift|switch|bring forward|rearrange)\b[^?]{0,20}\b(?:my|our|existing)(?: \w+){0,2} (?:appointment|booking|visit|reservation|time|slot|session|cleaning|check ?up|haircut|cut|treatment|exam|consultation|colou?r|highlights)\b|\b(?:different|another|new) (?:day|date|time) for my\b/],
  ['availability', /\b(?:when|what time|what times|which days?) (?:am i|i am|i'm) (?:free|available)\b|\bam i (?:free|available)\b|\bi'm (?:free|available)\b|\bmy (?:availability|free time|free slots?)\b|\bfree (?:time|slots?)\b|\bempty (?:slots?|time)\b|\bcheck (?:my )?availability\b|\bmy (?:available|free) (?:time|timing|slots?)\b|\bwhen i (?:am|'m) (?:free|available)\b/],
  ['book', /\b(?:add|put|enter|note|save|create|place)\b[^?]{0,25}\b(?:event|calendar|appointment)\b|\b(?:book|schedule|reserve)\b|\b(?:make|set up|arrange|get|need|want|have|like)\b[^?]{0,20}\b(?:appointment|visit|booking|reservation)\b|\bcome in\b|\bget me in\b|\bfit me in\b|\bsee (?:the|a) (?:dentist|doctor|hygienist)\b/],
  ['list', /\b(?:what(?:'s| is)?|anything|events?|appointments?|plans?|scheduled|planned|have)\b[^?]{0,30}\b(?:on|in|for|from) my (?:calendar|schedule)\b|\b(?:check|see|view|look at|look on|show me|open|search) (?:my|the|for an?) (?:calend[ae]r|schedule|events?)\b|\bmy (?:events|calendar)\b|\bwhat (?:do i|have i) (?:got|have)\b|\bwhat (?:events|appointments) do i have\b/],
  ['find', new RegExp(`\\b(?:find|finding|search(?:ing)?|look(?:ing)? (?:for|up)|locate|recommend|suggest|need|want|know of|seeking|help (?:me )?(?:with|in finding)|pull up|list of)\\b[^?]{0,30}\\b${provider}\\b`)],
  ['openings', /\b(?:any(?:thing)?|something|openings?|slots?|times?|spots?|space|room)\b[^?]{0,15}\b(?:available|free|open)\b|\bdo you have (?:any(?:thing)?|availability|an? (?:opening|slot|space))\b|\bwhen can (?:i|you) (?:come|fit|see)\b|\bavailability\b|\b(?:earliest|soonest|next available|first available|next opening)\b/],
];

/** The intent the words express, or undefined when they only carry details. */
export function detectIntent(words: string): IntentReading | undefined {
  for (const [intent, pattern] of rules) {
    if (!pattern.test(words)) continue;
    if (intent === 'list' || intent === 'find') return { intent: 'other', expressed: true };
    if (intent === 'openings') return { intent: 'availability', expressed: true, weak: true };
    return { intent, expressed: true };
  }
  return undefined;
}

/** The intent a receptionist's offer proposes ("shall I book that for you?"). */
export function offeredIntent(prompt: string | undefined): Intent | undefined {
  if (!prompt) return undefined;
  const text = prompt.toLowerCase();
  // Most specific first: "shall I cancel your appointment?" is about cancelling, not booking.
  if (/\bcancel/.test(text)) return 'cancel';
  if (/\b(?:move|reschedule|change)\b/.test(text)) return 'reschedule';
  if (/\b(?:put you through|transfer|connect you)\b/.test(text)) return 'transfer';
  if (/\b(?:book|schedule|reserve|appointment|visit|add|calendar|event)\b/.test(text)) return 'book';
  return undefined;
}
