import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

/** Acting as Twilio towards Frontdesk: signed form posts, as the simulators and tools send them. */
export interface SignedForm {
  /** Where to send it. */
  url: string;
  /** The public URL Twilio would have called, which the signature covers. */
  signedUrl: string;
  token: string;
  params: Record<string, string>;
}

export async function postSignedForm(form: SignedForm): Promise<{ status: number; contentType: string; body: string }> {
  const signature = twilio.getExpectedTwilioSignature(form.token, form.signedUrl, form.params);
  const response = await fetch(form.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(form.params),
  });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
}

/** A fresh Twilio-shaped id: the prefix and 32 random hex digits. */
export function sid(prefix: 'CA' | 'SM' | 'MM'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/** The text of each `<Message>` of a MessagingResponse, unescaped. */
export function twimlMessages(twiml: string): string[] {
  return [...twiml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((match) => unescapeXml(match[1]!));
}

/** XML's five entities back to their characters (TwiML attribute values and text). */
export function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
