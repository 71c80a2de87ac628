import type { EntityManager } from 'typeorm';
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

/** Keeps one message of a thread; an inbound MessageSid seen before is kept once. */
export async function recordTextMessage(manager: EntityManager, message: TextMessageRecord): Promise<void> {
  await manager.query(
    `INSERT INTO messages (business_id, conversation_id, customer_id, channel, direction, message_sid, from_address, to_address, body, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (message_sid) DO NOTHING`,
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
    ],
  );
}
