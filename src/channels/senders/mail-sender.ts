/**
 * Outbound email. Implementations: SMTP through nodemailer (`SMTP_URL`) and, without it, `.eml`
 * files under `$DATA_DIR/mail` (`mail-senders.ts`).
 */

export interface OutboundMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** A calendar invite (`calendar-invite.ts`), sent as a `text/calendar` part with that method. */
  invite?: { method: 'REQUEST' | 'CANCEL'; content: string } | undefined;
  /**
   * The Message-ID, chosen by us and stable per outbox row: if a crash makes us send the same mail
   * twice, mail clients (and the `.eml` file name) see the same message.
   */
  messageId: string;
}

export interface MailSendResult {
  /** The Message-ID as sent, or the file written. */
  providerId: string;
}

export interface MailSender {
  readonly transport: 'smtp' | 'files';
  /** Throws `InvalidRecipientError` when the server refuses the recipient for good; anything else may pass later. */
  send(mail: OutboundMail): Promise<MailSendResult>;
  close(): void;
}
