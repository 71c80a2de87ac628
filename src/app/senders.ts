import { join } from 'node:path';
import type { Env } from '../config/env.js';
import type { MailSender } from '../channels/senders/mail-sender.js';
import { createFileMailSender, createSmtpMailSender } from '../channels/senders/mail-senders.js';
import type { SmsMessage, SmsSender, WhatsAppMessage, WhatsAppSender } from '../channels/senders/text-sender.js';
import { createTwilioTextSenders } from '../channels/senders/twilio-text-sender.js';
import { createUnconfiguredTextSender } from '../channels/senders/unconfigured-text-sender.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createVendorPolicy, type VendorPolicy } from '../resilience/vendor-policy.js';
import { createTwilioPolicy, tuned, type VendorTuning } from './vendor-tuning.js';

export interface Senders {
  sms: SmsSender;
  whatsapp: WhatsAppSender;
  mail: MailSender;
}

/**
 * Twilio texts when an account is configured, otherwise texts recorded as not sent; SMTP mail
 * when SMTP_URL is set, otherwise `.eml` files under $DATA_DIR/mail (DESIGN §3; the start-up
 * vendor lines already say which).
 */
export function createSenders(
  env: Env,
  metrics: Metrics,
  logger: Logger,
  tuning: VendorTuning = {},
  twilioPolicy: VendorPolicy = createTwilioPolicy(metrics, logger, tuning.twilio),
): Senders {
  const texts =
    env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN
      ? createTwilioTextSenders({
          accountSid: env.TWILIO_ACCOUNT_SID,
          authToken: env.TWILIO_AUTH_TOKEN,
          apiUrl: env.TWILIO_API_URL,
          logger,
          policy: twilioPolicy,
        })
      : {
          sms: createUnconfiguredTextSender<SmsMessage>('sms', logger),
          whatsapp: createUnconfiguredTextSender<WhatsAppMessage>('whatsapp', logger),
        };
  const mail = env.SMTP_URL
    ? createSmtpMailSender({
        url: env.SMTP_URL,
        from: env.MAIL_FROM,
        policy: createVendorPolicy({ dependency: 'smtp', metrics, logger, ...tuned({ timeoutMs: 15_000, retries: 0 }, tuning.smtp) }),
      })
    : createFileMailSender({ folder: join(env.DATA_DIR, 'mail'), from: env.MAIL_FROM });
  return { ...texts, mail };
}
