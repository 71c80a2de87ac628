import type { DataSource, EntityManager } from 'typeorm';
import type { TextChannel } from '../storage/entities/conversation.js';
import { ConcurrentUpdate } from '../storage/concurrent-update.js';
import { upsertCustomer } from '../storage/customers.js';

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

/**
 * The conversation of (business, customer number, channel), created on the first message.
 * Runs on the pool, outside any webhook transaction: both inserts are idempotent.
 */
export async function openConversation(
  dataSource: DataSource,
  key: { businessId: string; phone: string; channel: TextChannel },
): Promise<StoredConversation> {
  return dataSource.transaction(async (manager) => {
    const customerId = await upsertCustomer(manager, key.businessId, { phone: key.phone });
    if (!customerId) throw new Error('a text conversation needs the sender number');
    await manager.query(
      `INSERT INTO conversations (business_id, customer_id, channel) VALUES ($1, $2, $3)
       ON CONFLICT (business_id, customer_id, channel) DO NOTHING`,
      [key.businessId, customerId, key.channel],
    );
    const rows: {
      id: string;
      version: number;
      state: unknown;
      last_message_at: Date | null;
      opted_out: boolean;
    }[] = await manager.query(
      `SELECT v.id, v.version, v.state, v.last_message_at, c.opted_out_at IS NOT NULL AS opted_out
         FROM conversations v JOIN customers c ON c.id = v.customer_id
        WHERE v.business_id = $1 AND v.customer_id = $2 AND v.channel = $3`,
      [key.businessId, customerId, key.channel],
    );
    const row = rows[0]!;
    return {
      id: row.id,
      customerId,
      version: row.version,
      state: row.state,
      lastMessageAt: row.last_message_at,
      optedOut: row.opted_out,
    };
  });
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
