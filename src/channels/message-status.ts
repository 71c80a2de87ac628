import type { EntityManager } from 'typeorm';

/**
 * Twilio's MessageStatus values in the order a message moves through them. Callbacks repeat and
 * arrive out of order; a message's status only ever moves forward, and among the final ones
 * (delivered, undelivered, failed) the first to arrive stands, except that `read` follows
 * `delivered` on WhatsApp.
 */
const STATUS_RANK: Record<string, number> = {
  accepted: 0,
  scheduled: 0,
  pending: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  canceled: 4,
  read: 5,
};

export const MESSAGE_STATUSES = Object.keys(STATUS_RANK) as [string, ...string[]];

/** Twilio error 21610: the recipient replied STOP to this sender; every later text will fail. */
const UNSUBSCRIBED_RECIPIENT = '21610';

export interface MessageStatusUpdate {
  messageSid: string;
  status: string;
  errorCode?: string | undefined;
}

/**
 * Applies one delivery callback: moves the message's status on (or not, for a stale one), keeps
 * the error code, and marks a customer who unsubscribed at the carrier (21610) as opted out.
 * Returns false when the message is unknown or the callback is older than what we have.
 */
export async function applyMessageStatus(manager: EntityManager, update: MessageStatusUpdate): Promise<boolean> {
  const rows: { id: string; status: string; customer_id: string | null }[] = await manager.query(
    `SELECT id, status, customer_id FROM messages WHERE message_sid = $1 FOR UPDATE`,
    [update.messageSid],
  );
  const message = rows[0];
  if (!message) return false;
  if (update.errorCode === UNSUBSCRIBED_RECIPIENT && message.customer_id) {
    await manager.query(`UPDATE customers SET opted_out_at = coalesce(opted_out_at, now()), updated_at = now() WHERE id = $1`, [
      message.customer_id,
    ]);
  }
  if ((STATUS_RANK[update.status] ?? -1) <= (STATUS_RANK[message.status] ?? -1)) return false;
  await manager.query(`UPDATE messages SET status = $2, error_code = coalesce($3, error_code), updated_at = now() WHERE id = $1`, [
    message.id,
    update.status,
    update.errorCode ?? null,
  ]);
  return true;
}
