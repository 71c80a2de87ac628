/**
 * Personal data nobody else uses, and the patterns that find it in logs and metrics. The redactor
 * keeps a phone number's last 4 digits (`***6543`), so a canary number is found by its other digits.
 */
export const CANARY = {
  phones: ['+12129876543', '+447700987654'],
  email: 'zq.canary.mailbox@example.org',
  names: ['Zebulon', 'Quixotewright'],
};

export const CANARY_PATTERNS: [string, RegExp][] = [
  ['phone +1 212 987 6543', /212[\s.()-]*987[\s.-]*6543|987[\s.-]?6543(?!\d)|2129876/],
  ['phone +44 7700 987654', /7700[\s.-]*98765|77009876|447700/],
  ['email', /zq\.canary|canary\.mailbox/i],
  ['name Zebulon', /zebulon/i],
  ['name Quixotewright', /quixotewright/i],
];

/**
 * Any personal data that escaped the redactor, whoever it belongs to: an unmasked `+` number
 * (plain or URL-encoded, as E.164 or WhatsApp addresses carry it) or an email address whose local
 * part is not the mask.
 */
export const UNMASKED_PATTERNS: [string, RegExp][] = [
  ['full phone number', /(?:\+|%2B)\d{8,15}(?!\d)/i],
  ['email address', /(?<![*\w.%+-])[A-Za-z0-9._%+-]*[A-Za-z0-9](?:@|%40)[A-Za-z0-9-]+\.[A-Za-z]{2,}/],
];

/** The names of the patterns that match somewhere in `text`. */
export function personalDataIn(text: string, patterns: [string, RegExp][] = [...CANARY_PATTERNS, ...UNMASKED_PATTERNS]): string[] {
  return patterns.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
}
