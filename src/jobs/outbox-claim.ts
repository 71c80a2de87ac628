import type { DataSource, EntityManager } from 'typeorm';

/**
 * The outbox row is the record of a piece of work; a BullMQ job only says "look at row X". A
 * worker claims the row (pending/queued → sending) before calling a provider, so two deliveries
 * of the same job, or a relay that enqueued twice, still send once. A row left `sending` longer
 * than the lease belongs to a worker that died or timed out mid-call: the next claim takes it
 * over and is told so, to check with the provider before any resend.
 */

export interface ClaimedRow {
  id: string;
  businessId: string;
  bookingId: string | null;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  createdAt: Date;
  /** True when an earlier attempt ended without knowing whether the provider got the request. */
  takeover: boolean;
}

export type Claim =
  | { state: 'claimed'; row: ClaimedRow }
  /** Another worker holds it within its lease; try again later. */
  | { state: 'busy' }
  /** Already sent, failed for good or cancelled (or no such row): nothing to do. */
  | { state: 'done' };

interface ClaimRecord {
  id: string;
  business_id: string;
  booking_id: string | null;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  created_at: Date;
  previous_status: string;
}

export async function claimOutboxRow(dataSource: DataSource, outboxId: string, leaseMs: number): Promise<Claim> {
  const rows: ClaimRecord[] = await dataSource.query(
    // The CTE locks the row and keeps its old status, which says whether this is a takeover.
    `WITH previous AS (SELECT id, status FROM outbox WHERE id = $1 FOR UPDATE),
          claimed AS (
            UPDATE outbox o SET status = 'sending', attempts = o.attempts + 1, updated_at = now()
              FROM previous p
             WHERE o.id = p.id
               AND (p.status IN ('pending', 'queued')
                    OR (p.status = 'sending' AND o.updated_at < now() - make_interval(secs => $2::float8 / 1000)))
            RETURNING o.id, o.business_id, o.booking_id, o.kind, o.payload, o.attempts, o.created_at, p.status AS previous_status)
     SELECT * FROM claimed`,
    [outboxId, leaseMs],
  );
  const row = rows[0];
  if (row) {
    return {
      state: 'claimed',
      row: {
        id: row.id,
        businessId: row.business_id,
        bookingId: row.booking_id,
        kind: row.kind,
        payload: row.payload,
        attempts: row.attempts,
        createdAt: new Date(row.created_at),
        takeover: row.previous_status === 'sending',
      },
    };
  }
  const current: { status: string }[] = await dataSource.query(`SELECT status FROM outbox WHERE id = $1`, [outboxId]);
  return current[0]?.status === 'sending' ? { state: 'busy' } : { state: 'done' };
}

type Runner = Pick<EntityManager, 'query'> | Pick<DataSource, 'query'>;

/** An outbox row a composing job (confirmation, reminder, call summary, follow-up) works from. */
export interface ComposableRow {
  id: string;
  business_id: string;
  booking_id: string | null;
  dedupe_key: string;
  payload: Record<string, unknown>;
  status: string;
  created_at: Date;
}

/**
 * Locks a row of `kind` for the composing transaction; undefined when it is gone or already
 * finished (sent, cancelled, failed), so a job run twice composes once.
 */
export async function lockLiveRow(manager: Pick<EntityManager, 'query'>, outboxId: string, kind: string): Promise<ComposableRow | undefined> {
  const rows: ComposableRow[] = await manager.query(
    `SELECT id, business_id, booking_id, dedupe_key, payload, status, created_at FROM outbox WHERE id = $1 AND kind = $2 FOR UPDATE`,
    [outboxId, kind],
  );
  const row = rows[0];
  return row && ['pending', 'queued', 'sending'].includes(row.status) ? row : undefined;
}

export async function markSent(db: Runner, outboxId: string, providerId: string | null): Promise<void> {
  await db.query(
    `UPDATE outbox SET status = 'sent', provider_id = $2, last_error = NULL, updated_at = now() WHERE id = $1`,
    [outboxId, providerId],
  );
}

/** Ends the row for good: `failed` (it could not be done) or `cancelled` (it should not be done). */
export async function markFinished(db: Runner, outboxId: string, status: 'failed' | 'cancelled', reason: string): Promise<void> {
  await db.query(`UPDATE outbox SET status = $2, last_error = $3, updated_at = now() WHERE id = $1`, [
    outboxId,
    status,
    reason.slice(0, 500),
  ]);
}

/** Nothing was sent: the row waits for the job's next attempt. */
export async function releaseForRetry(db: Runner, outboxId: string, reason: string): Promise<void> {
  await db.query(`UPDATE outbox SET status = 'queued', last_error = $2, updated_at = now() WHERE id = $1`, [
    outboxId,
    reason.slice(0, 500),
  ]);
}

/**
 * The provider may or may not have the request: the row stays `sending` with its lease already
 * expired, so the next attempt takes it over and checks with the provider before sending again.
 */
export async function markOutcomeUnknown(db: Runner, outboxId: string, leaseMs: number, reason: string): Promise<void> {
  await db.query(
    `UPDATE outbox SET last_error = $3, updated_at = now() - make_interval(secs => $2::float8 / 1000) - interval '1 second'
      WHERE id = $1 AND status = 'sending'`,
    [outboxId, leaseMs, `outcome unknown: ${reason}`.slice(0, 500)],
  );
}
