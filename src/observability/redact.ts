/**
 * Masks personal data in anything about to be logged. Pure functions; inputs are never mutated.
 *
 * What is masked, and how:
 * - Phone numbers become `***` + their last 4 digits (`+12125550123` → `***0123`). One fixed-width
 *   form for every format, so the mask reveals neither the country nor the length of the number.
 *   A prefix that names the channel stays: `whatsapp:+442079460123` → `whatsapp:***0123`.
 *   Recognised: E.164 and other `+` numbers (also URL-encoded as `%2B`) with spaces, dots, dashes
 *   or `(0)`; US `(212) 555-0123`, `212-555-0123`, `212.555.0123`, `1-212-555-0123`; national
 *   numbers with a trunk `0` and 9–12 digits (`020 7946 0123`, `07700 900123`, `01 23 45 67 89`);
 *   any bare run of 10 or more digits. A 7-digit local number (`555-0123`) is not recognised: it
 *   cannot be told apart from other numbers.
 * - Email addresses keep only their domain: `alice@example.com` → `***@example.com`.
 * - Card numbers become `[card ****1111]`: a 4-4-4-4(-3), 4-6-5 or 4-6-4 grouping (spaces or
 *   dashes) whatever its check digit, or a bare run of 13–19 digits that passes the Luhn check.
 *   A bare run that fails Luhn is still masked, as a phone number.
 * - `client:alice` stays: a Twilio Client identity is a softphone name we chose, not a person's.
 *
 * What is left alone: ISO dates and instants, UUIDs, Twilio SIDs (`CA…`, `SM…`, `AC…`), IPv4
 * addresses, ports, durations with units (`1500ms`), decimals (`0.123456789012`), HTTP status
 * codes and other short numbers. A digit run glued to letters or to a decimal point is part of
 * another token and is never read as a phone number. Numbers (the JS type) are never changed:
 * metric values and epoch times in fields stay exact. A bare 10–13 digit epoch time inside a
 * *string* is masked like a phone number; log instants as ISO strings.
 */

const PHONE_MASK = '***';
const CIRCULAR = '[Circular]';
const TRUNCATED = '[Truncated]';
const UNREADABLE = '[Unreadable]';
/** Deeper values are replaced by `[Truncated]`; pino's own serializer stops at depth 5 anyway. */
const MAX_DEPTH = 10;

const HEX = '[0-9A-Fa-f]';
const KEEP = [
  `${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}`,
  String.raw`(?<!\d)\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?(?!\d)`,
  String.raw`(?<!\d)\d{1,3}(?:\.\d{1,3}){3}(?!\d)`,
].join('|');

// Starts only where a run of local-part characters starts, so a long run is scanned once.
const EMAIL = String.raw`(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+(?<at>@|%40)(?<domain>(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})`;

/** Card groupings; the same separator throughout. */
const CARD = [
  String.raw`\d{4}(?<c1>[ -])\d{4}\k<c1>\d{4}\k<c1>\d{4}(?:\k<c1>\d{3})?`,
  String.raw`\d{4}(?<c2>[ -])\d{6}\k<c2>\d{4,5}`,
].join('|');

// Separators are mandatory between digit groups so that a long digit run has one parse only
// (optional separators would let the engine split it every possible way: catastrophic backtracking).
const INTERNATIONAL = String.raw`(?:\+|%2[Bb])\d+(?:[ .-]?\(\d+\)[ .-]?\d+)?(?:[ .-]\d+)*`;
const US = String.raw`(?:1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}`;
const NATIONAL = String.raw`\(0\d{1,4}\)[ .-]?\d+(?:[ .-]\d+)*|0\d+(?:[ .-]\d+)*`;
const BARE = String.raw`\d{10,}`;

/** Not glued to a word, and not the fraction or continuation of another number (`3.1415…`, `10:30`). */
const BEFORE = String.raw`(?<!\w)(?<!\d[.,:])`;
const AFTER = String.raw`(?!\w)(?![.,:]\d)`;

const PATTERN = new RegExp(
  `(?<keep>${KEEP})|(?<email>${EMAIL})|${BEFORE}(?:(?<card>${CARD})|(?<international>${INTERNATIONAL})` +
    `|(?<us>${US})|(?<national>${NATIONAL})|(?<bare>${BARE}))${AFTER}`,
  'g',
);

interface MatchGroups {
  keep?: string;
  email?: string;
  at?: string;
  domain?: string;
  card?: string;
  international?: string;
  us?: string;
  national?: string;
  bare?: string;
}

/** Masks phone numbers, email addresses and card numbers in free text. Idempotent. */
export function redactText(text: string): string {
  if (!/[\d@]/.test(text)) return text;
  return text.replace(PATTERN, (match: string, ...rest: unknown[]) => {
    const groups = rest.at(-1) as MatchGroups;
    return maskMatch(match, groups);
  });
}

function maskMatch(match: string, groups: MatchGroups): string {
  if (groups.keep !== undefined) return match;
  if (groups.email !== undefined) return `${PHONE_MASK}${groups.at ?? '@'}${groups.domain ?? ''}`;
  const digits = match.replace(/\D/g, '');
  if (groups.card !== undefined) return maskCard(digits);
  if (groups.international !== undefined) return digits.length >= 7 ? maskPhone(digits) : match;
  if (groups.us !== undefined) return maskPhone(digits);
  if (groups.national !== undefined) {
    return digits.length >= 9 && digits.length <= 12 ? maskPhone(digits) : match;
  }
  const isCard = digits.length >= 13 && digits.length <= 19 && passesLuhn(digits);
  return isCard ? maskCard(digits) : maskPhone(digits);
}

function maskPhone(digits: string): string {
  return `${PHONE_MASK}${digits.slice(-4)}`;
}

function maskCard(digits: string): string {
  return `[card ****${digits.slice(-4)}]`;
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Returns a redacted deep copy of a value about to be logged: strings go through `redactText`,
 * object keys too. Errors become plain objects `{ type, message, stack, ...own props, cause }`
 * (pino's error shape); Maps become objects, Sets arrays, binary data a `[Uint8Array 320 bytes]`
 * summary, objects with `toJSON` (Date, Luxon) their JSON form. Cycles become `[Circular]`,
 * nesting deeper than 10 `[Truncated]`, a getter that throws `[Unreadable]`. Numbers, booleans,
 * null and undefined pass through unchanged.
 */
export function redactValue(value: unknown): unknown {
  return redactAt(value, 0, new Set<object>());
}

function redactAt(value: unknown, depth: number, ancestors: Set<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.has(value)) return CIRCULAR;
  if (depth >= MAX_DEPTH) return TRUNCATED;
  ancestors.add(value);
  try {
    return redactObject(value, depth + 1, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function redactObject(value: object, depth: number, ancestors: Set<object>): unknown {
  const redact = (inner: unknown): unknown => redactAt(inner, depth, ancestors);
  if (isError(value)) return redactError(value, redact);
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([key, inner]) => [redactText(String(key)), redact(inner)]));
  }
  if (value instanceof Set) return [...value].map(redact);
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[ArrayBuffer ${value.byteLength} bytes]`;
  const toJSON: unknown = readProperty(value, 'toJSON');
  if (typeof toJSON === 'function') {
    return redactJsonForm(value, toJSON as (this: object) => unknown, redact);
  }
  return Object.fromEntries(
    Object.keys(value).map((key) => [redactText(key), redact(readProperty(value, key))]),
  );
}

function redactJsonForm(value: object, toJSON: (this: object) => unknown, redact: (inner: unknown) => unknown): unknown {
  try {
    return redact(toJSON.call(value));
  } catch {
    return UNREADABLE;
  }
}

function redactError(error: Error, redact: (inner: unknown) => unknown): Record<string, unknown> {
  const entries: [string, unknown][] = [
    ['type', errorType(error)],
    ['message', redact(error.message)],
  ];
  if (error.stack !== undefined) entries.push(['stack', redact(error.stack)]);
  for (const key of Object.keys(error)) {
    entries.push([redactText(key), redact(readProperty(error, key))]);
  }
  if (error.cause !== undefined) entries.push(['cause', redact(error.cause)]);
  if (error instanceof AggregateError) entries.push(['errors', redact(error.errors)]);
  return Object.fromEntries(entries);
}

function errorType(error: Error): string {
  const constructorName: unknown = error.constructor?.name;
  return typeof constructorName === 'string' && constructorName !== '' ? constructorName : error.name;
}

function isError(value: object): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

function readProperty(target: object, key: string): unknown {
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return UNREADABLE;
  }
}
