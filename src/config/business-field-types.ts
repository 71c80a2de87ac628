import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { describeUnknownKeys, describeValue } from './format-issues.js';

/**
 * The single values a business file is built from: ids, text, times, dates, phone numbers, codes.
 * Each message names the expected format and quotes what the file held, for the owner to fix.
 */

/** Unknown keys are errors, not silently dropped: a misspelt `breaks` would otherwise vanish. */
export function strictShape<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? describeUnknownKeys(issue.keys, allowed) : undefined),
  });
}

/** Error options for a refinement whose message quotes the value: `…, got "Mars/Base"`. */
export function expecting(what: string) {
  return { error: (issue: { input?: unknown }) => `${what}, got ${describeValue(issue.input)}` };
}

/**
 * Free text. YAML reads an unquoted `111` or `2024` as a number; in a keyword, name or answer
 * the owner meant the words, so numbers are taken as text rather than rejected.
 */
export const text = z.preprocess(
  (value) => (typeof value === 'number' ? String(value) : value),
  z.string().trim().min(1, 'expected text, got an empty value'),
);

/**
 * Text in a fixed format. Whether the value is missing, of the wrong kind or malformed, the
 * message names the format, which "expected text" alone would not.
 */
function formatted(expected: string, isValid: (value: string) => boolean) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `required, ${expected}` : `${expected}, got ${describeValue(issue.input)}`) })
    .refine(isValid, expecting(expected));
}

export const slug = (example: string) =>
  formatted(`expected an id of lowercase letters, digits and dashes like "${example}"`, (value) => /^[a-z0-9-]+$/.test(value));

/** Minutes since midnight of an "HH:MM" 24-hour time, or undefined when it is not one. */
export function minutesOfDay(time: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

export const clockTime = formatted('expected a time as HH:MM (24-hour clock)', (value) => minutesOfDay(value) !== undefined);

export function isCalendarDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid;
}

export const calendarDate = formatted('expected a real date as YYYY-MM-DD', isCalendarDate);

/**
 * The E.164 form of a phone number written with or without spacing, or with the channel prefix
 * Twilio puts on WhatsApp addresses (`whatsapp:+1…`); undefined when it is not a valid
 * international number. Routing compares these forms, so the file and webhooks must agree.
 */
export function normalizePhoneNumber(raw: string): string | undefined {
  const compact = raw
    .trim()
    .replace(/^(whatsapp|sms|tel):/i, '')
    .replace(/[\s().-]/g, '');
  if (!/^\+\d+$/.test(compact)) return undefined;
  const parsed = parsePhoneNumberFromString(compact);
  return parsed?.isValid() ? parsed.number : undefined;
}

export const phoneNumber = formatted(
  'expected a phone number in international format like +12125550123',
  (value) => normalizePhoneNumber(value) !== undefined,
).transform((value) => normalizePhoneNumber(value) ?? value);

export const timeZone = formatted('expected an IANA time zone like America/New_York', (value) => IANAZone.isValidZone(value));

/** Twilio's `<Say language>` takes language-REGION tags, so a region is required. */
export const locale = formatted(
  'expected a language and region like en-US or en-GB',
  (value) => /^[a-z]{2,3}-[A-Z]{2}$/.test(value) && Intl.getCanonicalLocales(value)[0] === value,
);

const currencies = new Set(Intl.supportedValuesOf('currency'));
export const currency = formatted('expected a three-letter currency code like USD or GBP', (value) => currencies.has(value));

export const contentSid = formatted('expected a Twilio Content SID: HX followed by 32 hex digits', (value) =>
  /^HX[0-9a-fA-F]{32}$/.test(value),
);

export const wholeMinutes = z.number().int().min(0);
