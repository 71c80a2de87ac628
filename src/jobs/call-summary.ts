import type { DataSource } from 'typeorm';
import { writeOutbox } from '../storage/outbox.js';
import { markFinished, markSent } from './outbox-claim.js';

/**
 * A `call-summary` row (written when a call ends) becomes an email row to the business: its
 * payload already holds `to`, `subject`, `text` and `html`, so this only hands it to the email
 * queue, in one transaction, once.
 */
export async function composeCallSummary(dataSource: DataSource, outboxId: string): Promise<'composed' | 'skipped'> {
  return dataSource.transaction(async (manager) => {
    const rows: { id: string; business_id: string; payload: Record<string, unknown>; status: string }[] = await manager.query(
      `SELECT id, business_id, payload, status FROM outbox WHERE id = $1 AND kind = 'call-summary' FOR UPDATE`,
      [outboxId],
    );
    const row = rows[0];
    if (!row || !['pending', 'queued', 'sending'].includes(row.status)) return 'skipped';
    const { to, subject, text, html } = row.payload;
    if (typeof to !== 'string' || typeof subject !== 'string' || typeof text !== 'string') {
      await markFinished(manager, row.id, 'failed', 'call summary without a recipient, subject or text');
      return 'skipped';
    }
    await writeOutbox(manager, {
      businessId: row.business_id,
      kind: 'email',
      dedupeKey: `${row.id}:email`,
      payload: { to, subject, text, html: typeof html === 'string' ? html : text, messageId: `<${row.id}.email@frontdesk>` },
    });
    await markSent(manager, row.id, null);
    return 'composed';
  });
}
