import { findNumbers, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Business } from '../../config/business-schema.js';

/**
 * Phone numbers, emails, names and read-out digits. A speech recogniser writes "john at gmail
 * dot com" and "five five five one two", so those are put back together before the
 * libraries read them.
 */

const digitWords: Record<string, string> = {
  zero: '0', oh: '0', o: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
};

/** "five five five oh one two" → "555012"; other words are kept. */
export function spokenDigits(words: string): string {
  const tokens = words.split(' ');
  const out: string[] = [];
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index] ?? '';
    const next = tokens[index + 1] ?? '';
    if ((token === 'double' || token === 'triple') && digitWords[next] !== undefined) {
      out.push((digitWords[next] ?? '').repeat(token === 'double' ? 2 : 3));
      index += 1;
      continue;
    }
    const digit = digitWords[token];
    const inRun = /^\d+$/.test(out[out.length - 1] ?? '') || /^\d/.test(next) || digitWords[next] !== undefined;
    if (digit !== undefined && (token.length > 1 || inRun)) out.push(digit);
    else out.push(token);
  }
  return out.join(' ').replace(/(\d)\s+(?=\d)/g, '$1');
}

/** The country of a business's own number, read once per number: libphonenumber takes ~30 µs a parse. */
const countries = new Map<string, CountryCode>();

export function countryOf(business: Business | undefined): CountryCode {
  const first = business?.phoneNumbers[0];
  if (!first) return 'US';
  let country = countries.get(first);
  if (!country) {
    country = parsePhoneNumberFromString(first)?.country || 'US';
    countries.set(first, country);
  }
  return country;
}

/**
 * No valid number of any country has a national number shorter than this (libphonenumber's
 * metadata: the shortest possible length of any numbering plan is 4), so a text with fewer digits
 * holds none, and most sentences ("tomorrow at 2 pm") need not be searched.
 */
export const SHORTEST_NATIONAL_NUMBER = 4;

function hasDigits(text: string, count: number): boolean {
  const digit = /\p{Nd}/gu;
  for (let found = 0; found < count; found += 1) if (!digit.exec(text)) return false;
  return true;
}

export function findPhone(raw: string, words: string, business: Business | undefined): string | undefined {
  for (const text of [raw, spokenDigits(words)]) {
    if (!hasDigits(text, SHORTEST_NATIONAL_NUMBER)) continue;
    const found = findNumbers(text, { defaultCountry: countryOf(business), v2: true });
    const number = found[0]?.number;
    if (number?.isValid()) return number.number;
  }
  return undefined;
}

const emailPattern = /\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b/i;

export function findEmail(raw: string): string | undefined {
  const typed = emailPattern.exec(raw)?.[0];
  if (typed) return typed.toLowerCase();
  const spoken = raw
    .toLowerCase()
    .replace(/\s+at\s+/g, '@')
    .replace(/\s+dot\s+/g, '.')
    .replace(/\s+underscore\s+/g, '_')
    .replace(/\s+dash\s+/g, '-');
  return emailPattern.exec(spoken)?.[0];
}

/** "my name is" names someone; "this is Maria" does only when a caller introduces themselves ("...speaking", "...calling"). */
const namePattern = /\b(?:my name is|my name's|call me)\s+([a-z][a-z'-]+(?:\s+[a-z][a-z'-]+)?)/i;
const introductionPattern = /\b(?:this is|i am|i'm|it's|it is)\s+([a-z][a-z'-]+(?:\s+[a-z][a-z'-]+)?)\s+(?:speaking|calling|here)\b/i;
const notNames = new Set(['calling', 'looking', 'trying', 'wondering', 'interested', 'free', 'available', 'fine', 'good', 'great', 'ok', 'okay', 'here', 'just', 'not', 'sorry', 'a', 'the', 'going', 'hoping', 'ready', 'done', 'all', 'correct', 'right', 'perfect', 'booked', 'new', 'still']);

function titleCase(name: string): string {
  return name.replace(/\b[a-z]/g, (letter) => letter.toUpperCase());
}

/** The caller's name, from "my name is ..." or, when the receptionist just asked for it, the whole answer. */
export function findName(words: string, expectingName: boolean): string | undefined {
  const stated = namePattern.exec(words)?.[1] ?? introductionPattern.exec(words)?.[1];
  if (stated) {
    const [first = '', second] = stated.split(' ');
    if (notNames.has(first)) return undefined;
    return titleCase(second && !notNames.has(second) && !/^(?:and|calling|please|from|i)$/.test(second) ? stated : first);
  }
  if (!expectingName) return undefined;
  const bare = words.replace(/^(?:yes|yeah|sure|ok|okay|it's|its|it is)\s+/, '').trim();
  return /^[a-z'-]+(?:\s+[a-z'-]+)?$/.test(bare) && !notNames.has(bare) ? titleCase(bare) : undefined;
}

/** Digits read out one by one (a code, a booking reference): four or more in a row. */
export function findDigits(words: string): string | undefined {
  return /\b(\d{4,})\b/.exec(spokenDigits(words))?.[1];
}
