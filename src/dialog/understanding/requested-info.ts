/**
 * What the caller asks to be told: a provider's or the business's address, phone number,
 * rating, prices, hours. Names follow the evaluation data where it has them.
 */
/** A bare mention is not a question: "the number is 555 0100" informs, "what's the number" asks. */
const asks =
  /\b(?:what|what's|whats|where|which|how|is|are|does|do|can|could|may|give|tell|get|know|provide|send|share|need|want|like|have|check|find)\b/;
const statesOwn = /\b(?:my|our) (?:phone|number|address|email)\b|\b(?:number|address) is\b/;

const infos: [string, RegExp][] = [
  ['phone_number', /\b(?:phone|contact|telephone|cell)(?: number| no| details| info)?\b|\b(?:their|his|her|its|the) number\b|\bnumber to call\b|\bhow (?:can|do) i (?:contact|reach|call)\b/],
  ['address', /\baddress\b|\bwhere (?:is|are) (?:it|they|he|she|the|that|this)\b|\blocated\b|\blocation\b|\bwhere (?:is|are) you\b|\bwhere do i (?:have to |need to )?go\b/],
  ['average_rating', /\brating\b|\brated\b|\breviews?\b|\bstars\b/],
  ['offers_cosmetic_services', /\b(?:is|are|does|do|if|whether|any|offer|provide)\b[^?]{0,30}\bcosmetic\b/],
  ['is_unisex', /\b(?:is|are|if|whether)\b[^?]{0,25}\bunisex\b/],
  ['opening_hours', /\b(?:opening hours|your hours|when (?:do|are) you (?:open|close)|what time do you (?:open|close)|are you open|how late)\b/],
  ['price', /\bhow much\b|\bprices?\b|\bcosts?\b|\bfees?\b/],
  ['insurance', /\binsurance\b/],
];

export function findRequested(words: string): string[] {
  const found = infos.filter(([, pattern]) => pattern.test(words)).map(([name]) => name);
  if (found.length === 0) return found;
  return asks.test(words) && !statesOwn.test(words) ? found : [];
}
