import type { Business } from '../../config/business-schema.js';

/**
 * A business's own words: its services (names and the synonyms its owner listed), its staff
 * (full and first names) and its FAQ keywords. The longest phrase said wins, so "beard trim"
 * is the beard trim and not the "trim" synonym of a haircut. Phrases match as written (no
 * guessed plurals): an owner who wants "highlights" as well as "highlight" lists both.
 */

interface Phrase {
  id: string;
  pattern: RegExp;
  length: number;
}

interface Vocabulary {
  services: Phrase[];
  staff: Phrase[];
  faq: Phrase[];
}

const cache = new WeakMap<Business, Vocabulary>();

/** The same simplification spoken text gets: lower case, letters and digits only. */
function simplify(phrase: string): string {
  return phrase.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/[^a-z0-9' ]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function phrases(id: string, texts: readonly string[]): Phrase[] {
  const forms = new Set<string>();
  for (const text of texts) {
    const simple = simplify(text);
    if (simple.length < 2) continue;
    forms.add(simple);
    forms.add(simple.replace(/'/g, ''));
  }
  return [...forms].map((form) => ({
    id,
    pattern: new RegExp(`\\b${escape(form).replace(/ /g, '\\s+')}\\b`),
    length: form.length,
  }));
}

function byLength(list: Phrase[]): Phrase[] {
  return list.sort((a, b) => b.length - a.length);
}

function vocabularyOf(business: Business): Vocabulary {
  const known = cache.get(business);
  if (known) return known;
  const vocabulary = {
    services: byLength(business.services.flatMap((service) => phrases(service.id, [service.name, ...service.synonyms, service.id.replace(/-/g, ' ')]))),
    staff: byLength(
      business.staff.flatMap((member) => {
        const names = member.name.replace(/^(?:dr|mr|mrs|ms|miss)\.?\s+/i, '');
        return phrases(member.id, [member.name, names, names.split(' ')[0] ?? '', member.id]);
      }),
    ),
    faq: byLength(business.faq.flatMap((entry) => phrases(entry.id, entry.keywords))),
  };
  cache.set(business, vocabulary);
  return vocabulary;
}

function longestMatch(list: readonly Phrase[], words: string): string | undefined {
  return list.find((phrase) => phrase.pattern.test(words))?.id;
}

export interface VocabularyMatch {
  service?: string;
  staff?: string;
  faqTopic?: string;
}

export function matchVocabulary(words: string, business: Business | undefined): VocabularyMatch {
  if (!business) return {};
  const vocabulary = vocabularyOf(business);
  const match: VocabularyMatch = {};
  const service = longestMatch(vocabulary.services, words);
  const staff = longestMatch(vocabulary.staff, words);
  const faqTopic = longestMatch(vocabulary.faq, words);
  if (service) match.service = service;
  if (staff) match.staff = staff;
  if (faqTopic) match.faqTopic = faqTopic;
  return match;
}
