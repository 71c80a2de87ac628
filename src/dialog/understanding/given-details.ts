import type { Slots } from './types.js';

/**
 * Whether a sentence gives the receptionist a detail (an `inform` act): a slot the readers
 * found, or a detail they do not turn into a slot, such as a place, a specialty or a title.
 */

/** Words that give a detail the evaluation data counts as informing (a city, a specialty, a title). */
const informsDetail =
  /\b(?:general practitioner|psychologist|psychiatrist|dermatologist|ophthalmologist|gynecologist|gynaecologist|pediatrician|orthopedist|orthopedic|cardiologist|ent specialist|unisex)\b|\btitle\b|\b(?:name|call) (?:it|the event|this|that)\b|\b(?:called|named|titled)\b|\blocation (?:is|will be|should be)\b/;
const place = /\b(?:in|near|around|at|to)\s+(?!I\b|March\b)[A-Z][a-z]+/;
/**
 * A place said without capitals ("find someone in santa rosa"): "in" and a word that is not a
 * common non-place, in a sentence about finding or going somewhere.
 */
const spokenPlace =
  /\b(?:in|near|around)\s+(?!(?:the|a|an|that|this|these|those|my|your|our|their|his|her|its|case|mind|person|general|fact|need|order|advance|time|which|any|some|there|here|it|total|particular|touch|line|future|addition|pain|trouble|love|charge|hurry|rush|between|for|and|or|me|us|them|you|\d\S*|january|february|march|april|may|june|july|august|september|october|november|december|morning|afternoon|evening)\b)[a-z]+/;
const aboutPlaces = /\b(?:find|search|look|located|someone|something|one|anyone|anybody|anything|somewhere|area|city|therapists?|doctors?|dentists?|salons?|counselors?|psychologists?|psychiatrists?|stylists?|barbers?)\b/;

export function givesDetails(utterance: string, words: string, slots: Slots): boolean {
  if (slots.date || slots.time || slots.timeOfDay || slots.service || slots.staff || slots.name || slots.phone || slots.email) return true;
  if (informsDetail.test(words) && !slots.requested?.includes('is_unisex')) return true;
  return place.test(utterance) || (spokenPlace.test(words) && aboutPlaces.test(words));
}
