import twilio from 'twilio';
import type { Logger } from '../../observability/logger.js';
import type { VendorPolicy } from '../../resilience/vendor-policy.js';
import { classifyTwilioError } from './twilio-errors.js';
import type { SmsMessage, SmsSender, TextSendResult, WhatsAppMessage, WhatsAppSender } from './text-sender.js';
import { OriginRewritingRequestClient } from './twilio-request-client.js';

export interface TwilioTextSenderOptions {
  accountSid: string;
  authToken: string;
  /** REST origin override (TWILIO_API_URL); absent: api.twilio.com. */
  apiUrl?: string | undefined;
  /** The `twilio` vendor policy: every REST call goes through it. */
  policy: VendorPolicy;
  logger: Logger;
  /** Socket timeout of the SDK's HTTP client, in ms; the policy's own timeout is the one that counts. Default: 15 000. */
  requestTimeoutMs?: number;
}

interface TwilioCreate {
  to: string;
  from: string;
  body?: string;
  contentSid?: string;
  contentVariables?: string;
  statusCallback?: string;
}

/** Both text channels over one Twilio client; SDK types stay inside this file. */
export function createTwilioTextSenders(options: TwilioTextSenderOptions): { sms: SmsSender; whatsapp: WhatsAppSender } {
  const timeout = options.requestTimeoutMs ?? 15_000;
  const httpClient = options.apiUrl
    ? new OriginRewritingRequestClient(options.apiUrl, { timeout })
    : new twilio.RequestClient({ timeout });
  const client = twilio(options.accountSid, options.authToken, { httpClient });

  async function create(params: TwilioCreate): Promise<TextSendResult> {
    // Not idempotent: a retried create could send the text twice, so the policy makes one attempt.
    const message = await options.policy.execute(async () => {
      try {
        return await client.messages.create(params);
      } catch (error) {
        throw classifyTwilioError(error);
      }
    });
    return { sent: true, providerId: message.sid, providerStatus: String(message.status) };
  }

  async function findSent(to: string, from: string, body: string | undefined, since: Date): Promise<string | undefined> {
    const listed = await options.policy.execute(
      async () => {
        try {
          return await client.messages.list({ to, from, limit: 50 });
        } catch (error) {
          throw classifyTwilioError(error);
        }
      },
      { idempotent: true },
    );
    const match = listed.find(
      (message) =>
        message.dateCreated.getTime() >= since.getTime() - 1000 && (body === undefined || message.body === body),
    );
    return match?.sid;
  }

  const whatsapp = (address: string) => `whatsapp:${address}`;
  const whatsappParams = (message: WhatsAppMessage): TwilioCreate => ({
    to: whatsapp(message.to),
    from: whatsapp(message.from),
    ...(message.template
      ? { contentSid: message.template.contentSid, contentVariables: JSON.stringify(message.template.variables) }
      : { body: message.body ?? '' }),
    ...(message.statusCallbackUrl ? { statusCallback: message.statusCallbackUrl } : {}),
  });

  return {
    sms: {
      configured: true,
      send: (message: SmsMessage) =>
        create({
          to: message.to,
          from: message.from,
          body: message.body,
          ...(message.statusCallbackUrl ? { statusCallback: message.statusCallbackUrl } : {}),
        }),
      findSent: (message, since) => findSent(message.to, message.from, message.body, since),
    },
    whatsapp: {
      configured: true,
      send: (message) => create(whatsappParams(message)),
      findSent: (message, since) =>
        findSent(whatsapp(message.to), whatsapp(message.from), message.template ? undefined : message.body, since),
    },
  };
}
