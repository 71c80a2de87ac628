import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { VendorPolicy } from '../../resilience/vendor-policy.js';
import type { MailSender, OutboundMail } from './mail-sender.js';
import { InvalidRecipientError, MessageRejectedError } from './send-errors.js';

function toNodemailer(mail: OutboundMail, from: string): Mail.Options {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    ...(mail.invite
      ? { icalEvent: { method: mail.invite.method, filename: 'invite.ics', content: mail.invite.content } }
      : {}),
  };
}

export interface SmtpMailSenderOptions {
  /** `smtp://user:pass@host:587` or `smtps://…:465`. */
  url: string;
  from: string;
  /** The `smtp` vendor policy. */
  policy: VendorPolicy;
}

/**
 * SMTP through nodemailer; pooled connections are not used, so a broken one never lingers.
 * nodemailer cannot be aborted, so its own timeouts sit under the policy's: a send the policy has
 * given up on (and the job will retry) is dropped by nodemailer too, rather than completing when
 * a hung server wakes up and delivering a copy beside the retry's.
 */
export function createSmtpMailSender(options: SmtpMailSenderOptions): MailSender {
  const giveUpMs = Math.floor(options.policy.attemptTimeoutMs * 0.9);
  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: giveUpMs,
    greetingTimeout: giveUpMs,
    socketTimeout: giveUpMs,
  });
  return {
    transport: 'smtp',
    async send(mail) {
      // One attempt: SMTP has no idempotency key, the job decides about trying again.
      const info = await options.policy.execute(async () => {
        try {
          return await transport.sendMail(toNodemailer(mail, options.from));
        } catch (error) {
          throw classifySmtpError(error);
        }
      });
      return { providerId: info.messageId };
    },
    close: () => transport.close(),
  };
}

/**
 * An SMTP answer means the server did not take the message (RFC 5321 §4.2.1): 4xx is "try again
 * later", 5xx on the recipient is permanent, and 5xx to anything else is a request we got wrong.
 * No answer at all (a dropped connection) leaves the outcome unknown and passes through.
 */
function classifySmtpError(error: unknown): unknown {
  const smtp = error as { responseCode?: number; command?: string; code?: string };
  if (typeof smtp.responseCode !== 'number' || smtp.responseCode < 400) return error;
  if (smtp.responseCode < 500) {
    return new MessageRejectedError(`SMTP deferred the message: ${smtp.responseCode}`, String(smtp.responseCode), true, {
      cause: error,
    });
  }
  if (smtp.command === 'RCPT TO' || smtp.code === 'EENVELOPE') {
    return new InvalidRecipientError(`SMTP ${smtp.responseCode}`, String(smtp.responseCode), { cause: error });
  }
  return new MessageRejectedError(`SMTP refused the message: ${smtp.responseCode}`, String(smtp.responseCode), false, {
    cause: error,
  });
}

/**
 * Without SMTP_URL, each mail becomes an `.eml` file in `folder` (open it in any mail client).
 * The file is named by Message-ID, so writing the same mail twice leaves one file.
 */
export function createFileMailSender(options: { folder: string; from: string }): MailSender {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    transport: 'files',
    async send(mail) {
      const info = await transport.sendMail(toNodemailer(mail, options.from));
      await mkdir(options.folder, { recursive: true });
      const path = join(options.folder, `${mail.messageId.replace(/[^A-Za-z0-9._-]/g, '_')}.eml`);
      await writeFile(path, info.message as Buffer);
      return { providerId: path };
    },
    close: () => transport.close(),
  };
}
