import type { TextChannel } from '../storage/entities/conversation.js';

export interface TextMessageRecord {
  businessId: string;
  conversationId: string;
  customerId: string;
  channel: TextChannel;
  direction: 'inbound' | 'outbound';
  /** Twilio's MessageSid; absent for a reply sent inline as TwiML (Twilio assigns it later). */
  messageSid?: string;
  from: string;
  to: string;
  body: string;
  status: string;
}

/**
 * The INSERT keeping `messages` (in order), for a statement that writes them with other rows;
 * `value` adds a parameter to that statement and answers its placeholder.
 */
export function textMessagesInsertSql(messages: readonly TextMessageRecord[], value: (item: unknown) => string): string {
  const rows = messages.map((message) =>
    [
      message.businessId,
      message.conversationId,
      message.customerId,
      message.channel,
      message.direction,
      message.messageSid ?? null,
      message.from,
      message.to,
      message.body,
      message.status,
    ].map(value),
  );
  return `INSERT INTO messages (business_id, conversation_id, customer_id, channel, direction, message_sid, from_address, to_address, body, status)
     VALUES ${rows.map((row) => `(${row.join(', ')})`).join(', ')}
     ON CONFLICT (message_sid) DO NOTHING`;
}
