/**
 * Outbound texts, one interface per channel. Implementations: Twilio (`twilio-text-sender.ts`)
 * and, without a Twilio account, `unconfigured-text-sender.ts`, which sends nothing and says so.
 * Addresses are E.164 numbers; the WhatsApp implementation adds the `whatsapp:` prefix itself.
 */

export interface SmsMessage {
  to: string;
  /** Our number the text comes from (the business's `messaging.smsFrom` or its phone number). */
  from: string;
  body: string;
  /** Where Twilio posts delivery status changes; absent: none. */
  statusCallbackUrl?: string | undefined;
}

/** Inside the 24-hour window a free-form `body`; outside it only an approved `template`. */
export interface WhatsAppMessage {
  to: string;
  from: string;
  body?: string | undefined;
  template?: { contentSid: string; variables: Record<string, string> } | undefined;
  statusCallbackUrl?: string | undefined;
}

export type TextSendResult =
  | { sent: true; providerId: string; providerStatus: string }
  /** No provider account is configured: recorded as not sent (DESIGN §3). */
  | { sent: false; reason: 'no_account' };

export interface TextSender<M> {
  /** False for the stand-in that sends nothing. */
  readonly configured: boolean;
  /**
   * Hands the message to the provider once (never retried here: a resend could double it).
   * Throws a `MessageRejectedError` subclass when the provider refused it, and anything else
   * (timeout, dropped connection) when the outcome is unknown.
   */
  send(message: M): Promise<TextSendResult>;
  /**
   * The provider's id of this same message accepted at or after `since`, if there is one: how a
   * job whose earlier attempt ended without an answer learns whether it went through. A template
   * message matches any message from `from` to `to` in that time (the provider shows the rendered text).
   */
  findSent(message: M, since: Date): Promise<string | undefined>;
}

export type SmsSender = TextSender<SmsMessage>;
export type WhatsAppSender = TextSender<WhatsAppMessage>;
