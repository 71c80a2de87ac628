import type { DataSource, EntityManager } from 'typeorm';
import type { TextChannel } from '../storage/entities/conversation.js';
import { ConcurrentUpdate } from '../storage/concurrent-update.js';
import { customerByPhoneSql } from '../storage/customers.js';
import { preparedQuery } from '../storage/prepared-query.js';

/** One customer's text thread with one business on one channel, as read before a turn. */
export interface StoredConversation {
  id: string;
  customerId: string;
  /** The version read; the turn's save must find it unchanged. */
  version: number;
  state: unknown;
  lastMessageAt: Date | null;
  /** The customer texted STOP (or a carrier refused a text to them) and has not opted back in. */
  optedOut: boolean;
}

/** A conversation created by another process between this statement's snapshot and its insert is read on the next try. */
const OPEN_ATTEMPTS = 3;

/**
 * The conversation of (business, customer number, channel), created on the first message.
 * Runs on the pool, outside any webhook transaction, as one statement (one round trip, atomic
 * on its own): the customer upsert, then the conversation insert, both idempotent — the
 * customer row first, the order a turn's save takes them in.
 */
export async function openConversation(
  dataSource: DataSource,
  key: { businessId: string; phone: string; channel: TextChannel },
): Promise<StoredConversation> {
  for (let attempt = 1; ; attempt += 1) {
    // A new conversation comes back from the insert; an existing one is in the statement's
    // snapshot. One inserted and committed by another process after that snapshot is in neither.
    // LATERAL makes every plan look the conversation up by the customer's id: the statement is
    // prepared once per connection, and a generic plan made while the table was young joined
    // afterwards, reading every conversation of the business for each text (2000 conversations:
    // 2 ms of Postgres per text instead of 0.05).
    const rows: {
      id: string;
      customer_id: string;
      version: number;
      state: unknown;
      last_message_at: Date | null;
      opted_out: boolean;
    }[] = await preparedQuery(
      dataSource,
      `WITH customer AS (${customerByPhoneSql('$1', '$2')}),
       created AS (
         INSERT INTO conversations (business_id, customer_id, channel) SELECT $1, id, $3 FROM customer
         ON CONFLICT (business_id, customer_id, channel) DO NOTHING
         RETURNING id, version, state, last_message_at)
       SELECT v.id, customer.id AS customer_id, v.version, v.state, v.last_message_at, customer.opted_out_at IS NOT NULL AS opted_out
         FROM customer CROSS JOIN LATERAL (
           SELECT id, version, state, last_message_at FROM created
           UNION ALL
           SELECT v.id, v.version, v.state, v.last_message_at FROM conversations v
            WHERE v.business_id = $1 AND v.customer_id = customer.id AND v.channel = $3) v`,
      [key.businessId, key.phone, key.channel],
    );
    const row = rows[0];
    if (row) {
      return {
        id: row.id,
        customerId: row.customer_id,
        version: row.version,
        state: row.state,
        lastMessageAt: row.last_message_at,
        optedOut: row.opted_out,
      };
    }
    if (attempt >= OPEN_ATTEMPTS) throw new Error('the text conversation could not be opened or read');
  }
}

/** Saves the state after a turn; throws `ConcurrentUpdate` when another turn saved first. */
export async function saveConversationState(
  manager: EntityManager,
  conversation: Pick<StoredConversation, 'id' | 'version'>,
  state: object,
  at: Date,
): Promise<void> {
  const [, affected]: [unknown, number] = await manager.query(
    `UPDATE conversations SET state = $3, version = version + 1, last_message_at = $4, updated_at = now()
      WHERE id = $1 AND version = $2`,
    [conversation.id, conversation.version, JSON.stringify(state), at],
  );
  if (affected !== 1) throw new ConcurrentUpdate('the conversation');
}
