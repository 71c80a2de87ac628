import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../storage/prepared-query.js';

/** A response exactly as first sent; a replay sends the same bytes. */
export interface StoredResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface LedgerKey {
  /** Who sent the event, e.g. `twilio`. */
  provider: string;
  /** The provider's id for the event, scoped by kind (e.g. `voice:CA…`, `status:CA…:completed`). */
  eventId: string;
  /** Route that answered, for operators reading the table. */
  route: string;
  /** The verified request parameters; a replay with different ones is reported. */
  params: Record<string, unknown>;
}

export interface LedgerWork {
  /** Every write of the handler goes through this manager, inside the ledger's transaction. */
  manager: EntityManager;
  /** Runs after the transaction commits (metrics, wake-ups); never for a replay. */
  afterCommit(action: () => void): void;
}

export interface LedgerOutcome {
  response: StoredResponse;
  replayed: boolean;
  /** On a replay: false when the replayed request's parameters differ from the first one's. */
  sameRequest: boolean;
}

/**
 * Work that is one SQL statement and whose answer is known before it runs; see
 * `IdempotencyLedger.onceInOneStatement`.
 */
export interface OneStatementWork {
  /** The answer, stored with the claim. */
  response: StoredResponse;
  /**
   * The work as items of a `WITH` clause (`name AS (INSERT …)`). Each must do nothing unless it
   * reads the row of `claimed` — one row when this delivery is the first, none for a replay —
   * e.g. `INSERT … SELECT … FROM claimed`, or read an item that does. `value` adds a parameter
   * to the statement and answers its placeholder.
   */
  steps(claimed: string, value: (item: unknown) => string): string[];
  /**
   * What the steps must have done for their effects to be kept, checked before they commit:
   * `select` is an SQL expression over the steps (e.g. `(SELECT count(*) FROM saved)`), and
   * `verify` gets its value for a first delivery and throws (e.g. `ConcurrentUpdate`) to roll the
   * whole statement back, claim included. With a check the statement runs in a transaction
   * (BEGIN, statement, COMMIT); without, on its own.
   */
  check?: { select: string; verify(selected: unknown): void };
  /** Runs after the statement commits (metrics, wake-ups); never for a replay. */
  afterCommit?(): void;
}

export function fingerprint(params: Record<string, unknown>): string {
  const sorted = Object.keys(params)
    .sort()
    .map((key) => [key, params[key]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/**
 * The idempotency ledger over `webhook_events`. The handler runs in the same transaction as the
 * ledger row, so its effects and the stored answer commit together or not at all. A concurrent
 * duplicate blocks on the unique key until the first commits, then reads the stored answer; if
 * the first rolls back, the duplicate becomes the first. The handler must not use any other
 * connection while it runs: waiting duplicates hold pool connections.
 */
export class IdempotencyLedger {
  constructor(private readonly dataSource: DataSource) {}

  async once(key: LedgerKey, handle: (work: LedgerWork) => Promise<StoredResponse>): Promise<LedgerOutcome> {
    const requestFingerprint = fingerprint(key.params);
    const commitActions: (() => void)[] = [];
    const outcome = await this.dataSource.transaction(async (manager): Promise<LedgerOutcome> => {
      const claimed: { id: string }[] = await preparedQuery(
        manager,
        `INSERT INTO webhook_events
           (provider, event_id, route, request_fingerprint, response_status, response_content_type, response_body)
         VALUES ($1, $2, $3, $4, 0, '', '')
         ON CONFLICT (provider, event_id) DO NOTHING
         RETURNING id`,
        [key.provider, key.eventId, key.route, requestFingerprint],
      );
      const first = claimed[0];
      if (!first) return this.replay(manager, key, requestFingerprint);

      const response = await handle({ manager, afterCommit: (action) => commitActions.push(action) });
      await preparedQuery(
        manager,
        `UPDATE webhook_events SET response_status = $2, response_content_type = $3, response_body = $4 WHERE id = $1`,
        [first.id, response.status, response.contentType, response.body],
      );
      return { response, replayed: false, sameRequest: true };
    });
    if (!outcome.replayed) for (const action of commitActions) action();
    return outcome;
  }

  /**
   * `once` for work that is one statement with an answer known beforehand: the claim with its
   * answer and the work are that one statement, atomic by itself — one round trip where `once`
   * takes five (BEGIN, claim, work, answer, COMMIT); three with a `check`. A concurrent
   * duplicate blocks on the unique key as with `once`, then does no work and reads the stored
   * answer.
   */
  async onceInOneStatement(key: LedgerKey, work: OneStatementWork): Promise<LedgerOutcome> {
    const requestFingerprint = fingerprint(key.params);
    const values: unknown[] = [];
    const value = (item: unknown): string => `$${values.push(item)}`;
    const { status, contentType, body } = work.response;
    // Read by the outer SELECT, the claim runs before the steps that read it.
    const claim = `claimed AS (
      INSERT INTO webhook_events
        (provider, event_id, route, request_fingerprint, response_status, response_content_type, response_body)
      VALUES (${[key.provider, key.eventId, key.route, requestFingerprint, status, contentType, body].map(value).join(', ')})
      ON CONFLICT (provider, event_id) DO NOTHING
      RETURNING id)`;
    const sql = `WITH ${[claim, ...work.steps('claimed', value)].join(',\n')}
      SELECT (SELECT count(*) FROM claimed)::int AS claimed${work.check ? `, ${work.check.select} AS checked` : ''}`;
    const run = async (manager: EntityManager): Promise<LedgerOutcome> => {
      const [row] = await preparedQuery<{ claimed: number; checked?: unknown }>(manager, sql, values);
      if (row?.claimed !== 1) return this.replay(manager, key, requestFingerprint);
      work.check?.verify(row.checked);
      return { response: work.response, replayed: false, sameRequest: true };
    };
    const outcome = work.check ? await this.dataSource.transaction(run) : await run(this.dataSource.manager);
    if (!outcome.replayed) work.afterCommit?.();
    return outcome;
  }

  /**
   * The stored answer to an event that has already been handled, without claiming anything.
   * Handlers that do slow work before their transaction (the dialog) look here first, so a
   * retried webhook replays instead of running a second turn against the first one's result.
   */
  async find(key: Pick<LedgerKey, 'provider' | 'eventId'>): Promise<StoredResponse | undefined> {
    const rows = await preparedQuery<{ response_status: number; response_content_type: string; response_body: string }>(
      this.dataSource,
      `SELECT response_status, response_content_type, response_body
         FROM webhook_events WHERE provider = $1 AND event_id = $2`,
      [key.provider, key.eventId],
    );
    const row = rows[0];
    return row && { status: row.response_status, contentType: row.response_content_type, body: row.response_body };
  }

  private async replay(manager: EntityManager, key: LedgerKey, requestFingerprint: string): Promise<LedgerOutcome> {
    const rows: {
      response_status: number;
      response_content_type: string;
      response_body: string;
      request_fingerprint: string;
    }[] = await manager.query(
      `SELECT response_status, response_content_type, response_body, request_fingerprint
         FROM webhook_events WHERE provider = $1 AND event_id = $2`,
      [key.provider, key.eventId],
    );
    const row = rows[0];
    if (!row) throw new Error(`idempotency ledger: event ${key.eventId} vanished between insert and read`);
    return {
      response: { status: row.response_status, contentType: row.response_content_type, body: row.response_body },
      replayed: true,
      sameRequest: row.request_fingerprint === requestFingerprint,
    };
  }
}
