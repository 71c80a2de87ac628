import { timingSafeEqual } from 'node:crypto';
import twilio from 'twilio';

/**
 * Whether `signature` is Twilio's `X-Twilio-Signature` for a request to `url` with these form
 * parameters. Twilio signs the URL as it was configured, which is the URL as received, so that is
 * checked first: one HMAC. The SDK's `validateRequest` starts with the URL without its port and
 * then with it (plus URL-normalised forms), an HMAC each: a public URL that names its port paid
 * two for every genuine webhook. Only a signature that does not match the URL as received goes on
 * to the SDK's candidates, which include that URL, so exactly the same requests are accepted.
 */
export function isTwilioSignature(authToken: string, signature: string, url: string, params: Record<string, unknown>): boolean {
  if (sameText(twilio.getExpectedTwilioSignature(authToken, url, params), signature)) return true;
  return twilio.validateRequest(authToken, signature, url, params);
}

/** Constant time for equal lengths; a signature's length is not secret. */
function sameText(expected: string, offered: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(offered);
  return a.length === b.length && timingSafeEqual(a, b);
}
