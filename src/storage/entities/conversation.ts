import { EntitySchema } from 'typeorm';
import { createdAt, integer, text, timestamp, updatedAt, uuid, uuidPrimary } from './columns.js';

export type TextChannel = 'sms' | 'whatsapp';
export type MessageChannel = TextChannel | 'email';

export interface ConversationRow {
  id: string;
  businessId: string;
  customerId: string;
  channel: TextChannel;
  /** The dialog state carried between messages. */
  state: Record<string, unknown>;
  /** Bumped by every saved turn; a save that read an older version is refused. */
  version: number;
  lastMessageAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const ConversationEntity = new EntitySchema<ConversationRow>({
  name: 'Conversation',
  tableName: 'conversations',
  columns: {
    id: uuidPrimary,
    businessId: text('business_id'),
    customerId: uuid('customer_id'),
    channel: text('channel'),
    state: { type: 'jsonb' },
    version: integer('version'),
    lastMessageAt: timestamp('last_message_at', true),
    createdAt,
    updatedAt,
  },
});

export interface MessageRow {
  id: string;
  businessId: string;
  conversationId: string | null;
  customerId: string | null;
  channel: MessageChannel;
  direction: 'inbound' | 'outbound';
  /** Twilio's MessageSid (SM…/MM…); null for email and for texts not (yet) sent. */
  messageSid: string | null;
  fromAddress: string;
  toAddress: string;
  body: string;
  /** Delivery status; only ever moves forward. */
  status: string;
  errorCode: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const MessageEntity = new EntitySchema<MessageRow>({
  name: 'Message',
  tableName: 'messages',
  columns: {
    id: uuidPrimary,
    businessId: text('business_id'),
    conversationId: uuid('conversation_id', true),
    customerId: uuid('customer_id', true),
    channel: text('channel'),
    direction: text('direction'),
    messageSid: text('message_sid', true),
    fromAddress: text('from_address'),
    toAddress: text('to_address'),
    body: text('body'),
    status: text('status'),
    errorCode: text('error_code', true),
    createdAt,
    updatedAt,
  },
});
