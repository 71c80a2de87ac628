import twilio from 'twilio';

/** What twilio's `MessagingResponse` writes before and after the messages. */
const HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const EMPTY = `${HEAD}<Response/>`;
/**
 * Characters XML 1.0 refuses (the twilio builder throws on them) and lone surrogates: texts
 * holding any go through the builder, so they fail exactly as before. With the `u` flag a
 * surrogate pair is one code point and does not match.
 */
const NOT_PLAIN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/u;
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };

/**
 * The TwiML of a text reply: one `<Message>`, or none. Byte for byte what twilio's
 * `MessagingResponse` builds (a replay is compared byte for byte with the first answer), without
 * building an XML document per text (xmlbuilder was ~3 % of an SMS webhook's JavaScript).
 */
export function messagingTwiml(message?: string): string {
  if (message === undefined) return EMPTY;
  if (message === '') return `${HEAD}<Response><Message/></Response>`;
  if (NOT_PLAIN.test(message)) {
    const response = new twilio.twiml.MessagingResponse();
    response.message(message);
    return response.toString();
  }
  return `${HEAD}<Response><Message>${message.replace(/[&<>\r]/g, (character) => ESCAPES[character]!)}</Message></Response>`;
}
