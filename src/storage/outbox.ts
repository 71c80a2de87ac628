import type { EntityManager } from 'typeorm';

export interface OutboxEntry {
  businessId: string;
  bookingId?: string | undefined;
  /** What the worker does: `calendar-sync`, `confirmation`, `reminder`, ... */
  kind: string;
  /** Unique: the same work written twice is written once. */
  dedupeKey: string;
  payload?: Record<string, unknown>;
  /** Not before this instant (reminders); now by default. */
  availableAt?: Date;
}

/**
 * Records work caused by a change, in the change's own transaction: it commits with the change
 * or not at all, and a relay hands it to BullMQ afterwards (DESIGN §4).
 */
export async function writeOutbox(manager: EntityManager, entry: OutboxEntry): Promise<void> {
  await manager.query(
    `INSERT INTO outbox (business_id, booking_id, kind, dedupe_key, payload, available_at)
     VALUES ($1, $2, $3, $4, $5, coalesce($6, now()))
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [
      entry.businessId,
      entry.bookingId ?? null,
      entry.kind,
      entry.dedupeKey,
      JSON.stringify(entry.payload ?? {}),
      entry.availableAt ?? null,
    ],
  );
}
