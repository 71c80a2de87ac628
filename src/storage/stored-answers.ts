import type { StoredResponse } from '../resilience/idempotency-ledger.js';

/** An event in the webhook ledger (`webhook_events`), as `IdempotencyLedger` keys it. */
export interface LedgerEvent {
  provider: string;
  eventId: string;
}

/** The columns `storedAnswerSql` yields. */
export interface StoredAnswerColumns {
  answer_status: number | null;
  answer_content_type: string | null;
  answer_body: string | null;
}

/**
 * `IdempotencyLedger.find` as a `WITH` item (`answer`, at most one row), for a statement that
 * runs before the event's work anyway: the look-up rides on its round trip instead of costing one
 * of its own. `provider` and `eventId` are the statement's placeholders for them.
 */
export function storedAnswerSql(provider: string, eventId: string): string {
  return `answer AS (
    SELECT response_status AS answer_status, response_content_type AS answer_content_type, response_body AS answer_body
      FROM webhook_events WHERE provider = ${provider} AND event_id = ${eventId})`;
}

/** The stored answer from a row that joined `answer`, if the event was answered before. */
export function storedAnswerOf(row: Partial<StoredAnswerColumns>): StoredResponse | undefined {
  if (row.answer_status == null || row.answer_content_type == null || row.answer_body == null) return undefined;
  return { status: row.answer_status, contentType: row.answer_content_type, body: row.answer_body };
}
