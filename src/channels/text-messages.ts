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

/** The columns of a `messages` row, in the order `textMessagesInsertSql` gives them. */
const COLUMNS = 'business_id, conversation_id, customer_id, channel, direction, message_sid, from_address, to_address, body, status';

/**
 * The INSERT keeping `messages` (in order) as part of a larger statement, only when its item
 * `onlyWith` has a row; an inbound MessageSid seen before is kept once. `value` adds a parameter
 * to the statement and answers its placeholder.
 */
export function textMessagesInsertSql(messages: readonly TextMessageRecord[], value: (item: unknown) => string, onlyWith: string): string {
  const rows = messages.map((message) => {
    // A VALUES list in FROM types its columns itself: the ids are uuid, the rest text.
    const ids = [message.conversationId, message.customerId].map((id) => `${value(id)}::uuid`);
    const text = [message.channel, message.direction, message.messageSid ?? null, message.from, message.to, message.body, message.status].map(value);
    return `(${[value(message.businessId), ...ids, ...text].join(', ')})`;
  });
  return `INSERT INTO messages (${COLUMNS})
     SELECT m.* FROM ${onlyWith}, (VALUES ${rows.join(', ')}) AS m (${COLUMNS})
     ON CONFLICT (message_sid) DO NOTHING`;
}
