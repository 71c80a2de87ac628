import type { JobsOptions, Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Logger } from '../observability/logger.js';
import { jobIdFor, queueForKind, queueNames, relayedKinds, type QueueName, type RelayedRow } from './queues.js';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  queues: ReadonlyMap<QueueName, Queue>;
  logger: Logger;
  jobOptions: JobsOptions;
  /** A row `queued` or `sending` untouched this long is enqueued again (its job may be lost), in ms. */
  leaseMs: number;
  /** Pause between passes when nothing woke the relay, in ms. Default: 1 000. */
  pollMs?: number;
  /** Rows per pass. Default: 100. */
  batchSize?: number;
  /** Limit for one enqueue, in ms: a Redis that accepts the connection but never answers must not hold row locks. Default: 2 000. */
  enqueueTimeoutMs?: number;
  /** The clock reminders' delays are measured against. Default: the system clock. */
  now?: () => Date;
}

interface DueRow {
  id: string;
  kind: string;
  booking_id: string | null;
  payload: Record<string, unknown>;
  status: string;
}

/**
 * Moves committed outbox rows to BullMQ (DESIGN §4). Each pass locks due rows with
 * `FOR UPDATE SKIP LOCKED` (so several relays share the work), adds one job per row with the
 * row's job id, and marks the rows `queued` in the same transaction. A crash after the add and
 * before the commit leaves the rows pending: the next pass adds them again and BullMQ keeps one
 * job per id (a job already finished finds its row sent and does nothing). With Redis down the
 * add fails fast, the pass stops, and the rows wait in Postgres for the next one.
 */
export class OutboxRelay {
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> = Promise.resolve();
  private failing = false;
  private running = false;
  private wokenDuringPass = false;
  private readonly kinds: string[];

  constructor(private readonly options: OutboxRelayOptions) {
    this.kinds = relayedKinds.filter((kind) => {
      const queue = queueForKind(kind);
      return queue !== undefined && options.queues.has(queue);
    });
    if (this.kinds.length === 0) throw new Error(`OutboxRelay: no queues given; expected some of ${queueNames.join(', ')}`);
  }

  start(): void {
    this.schedule(0);
  }

  /** New rows were committed: run a pass now (or right after the one in progress) instead of at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wokenDuringPass = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0);
  }

  /** Lets the pass in progress finish, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.pass;
  }

  /** One pass; returns how many rows were handed to BullMQ. Throws when Postgres or Redis failed. */
  async runOnce(): Promise<number> {
    const { dataSource, leaseMs } = this.options;
    return dataSource.transaction(async (manager) => {
      const rows: DueRow[] = await manager.query(
        `SELECT id, kind, booking_id, payload, status FROM outbox
          WHERE kind = ANY($1)
            AND ((status = 'pending' AND available_at <= now())
              OR (status IN ('queued', 'sending')
                  AND updated_at < now() - make_interval(secs => $3::float8 / 1000)
                  -- A reminder's job waits, delayed, until its send time: only then can it be late.
                  AND (kind <> 'reminder'
                       OR (payload->>'sendAt')::timestamptz < now() - make_interval(secs => $3::float8 / 1000))))
          ORDER BY available_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED`,
        [this.kinds, this.options.batchSize ?? 100, leaseMs],
      );
      const enqueued: string[] = [];
      try {
        for (const row of rows) {
          await this.enqueue(row);
          enqueued.push(row.id);
        }
      } finally {
        // Whatever was added is marked, even when a later add failed. A `sending` row keeps its
        // status and time: the worker that takes it over must see it as one to check.
        if (enqueued.length > 0) {
          await manager.query(
            `UPDATE outbox SET status = 'queued', updated_at = now() WHERE id = ANY($1) AND status <> 'sending'`,
            [enqueued],
          );
        }
      }
      return enqueued.length;
    });
  }

  private async enqueue(row: DueRow): Promise<void> {
    const relayed: RelayedRow = { id: row.id, kind: row.kind, bookingId: row.booking_id, payload: row.payload };
    const queue = this.options.queues.get(queueForKind(row.kind)!)!;
    const sendAt = typeof row.payload.sendAt === 'string' ? Date.parse(row.payload.sendAt) : Number.NaN;
    const delay = Number.isFinite(sendAt) ? Math.max(0, sendAt - (this.options.now?.() ?? new Date()).getTime()) : 0;
    const timeoutMs = this.options.enqueueTimeoutMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        queue.add(row.kind, { outboxId: row.id }, { ...this.options.jobOptions, jobId: jobIdFor(relayed), delay }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`enqueue to ${queue.name} took over ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.pass = this.runPass();
    }, delayMs);
  }

  private async runPass(): Promise<void> {
    this.running = true;
    this.wokenDuringPass = false;
    let moved = 0;
    try {
      moved = await this.runOnce();
      if (this.failing) this.options.logger.info('outbox relay recovered; moving rows again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.options.logger.warn({ err: error }, 'outbox relay pass failed; rows wait in Postgres and the relay retries');
      this.failing = true;
    }
    this.running = false;
    // A full batch means more may be waiting, and a wake-up during the pass may be for rows it
    // did not see: go again at once.
    const again = moved >= (this.options.batchSize ?? 100) || (this.wokenDuringPass && !this.failing);
    this.schedule(again ? 0 : (this.options.pollMs ?? 1000));
  }
}
