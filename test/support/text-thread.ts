import { twimlMessages } from '../../src/tools/twilio-client.js';
import { signedPost, sid, type TestFrontdesk } from './frontdesk.js';

export interface TextThreadOptions {
  /** The customer's number (E.164). */
  from: string;
  /** The business's sender number. */
  to: string;
  channel?: 'sms' | 'whatsapp';
}

/** A customer texting a business through the real, signed SMS or WhatsApp webhook. */
export function textThread(app: TestFrontdesk, options: TextThreadOptions) {
  const channel = options.channel ?? 'sms';
  const address = (number: string) => (channel === 'whatsapp' ? `whatsapp:${number}` : number);
  return {
    /** Sends one message; returns the reply (empty when none) and the raw answer. */
    async send(body: string, extra: Record<string, string> = {}): Promise<{ reply: string; status: number; twiml: string; messageSid: string }> {
      const messageSid = extra.MessageSid ?? sid('SM');
      const params = { MessageSid: messageSid, From: address(options.from), To: address(options.to), Body: body, NumMedia: '0', ...extra };
      const response = await signedPost(app, `/twilio/${channel}`, params);
      const twiml = await response.text();
      return { reply: twimlMessages(twiml).join('\n'), status: response.status, twiml, messageSid };
    },
    /** Sends each message in turn and returns the replies. */
    async say(...bodies: string[]): Promise<string[]> {
      const replies: string[] = [];
      for (const body of bodies) replies.push((await this.send(body)).reply);
      return replies;
    },
  };
}
