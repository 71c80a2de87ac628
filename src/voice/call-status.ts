import type { EntityManager } from 'typeorm';
import { callLeftUnfinished } from '../storage/entities/call.js';
import { writeOutbox } from '../storage/outbox.js';

/** How long after the end of a call its summary (and any follow-up text) is composed. */
const SUMMARY_DELAY_MS = 15_000;

/**
 * Twilio's CallStatus values in the order a call moves through them. Status callbacks can repeat
 * and arrive out of order; a call's status only ever moves forward.
 */
const STATUS_RANK: Record<string, number> = {
  queued: 0,
  initiated: 0,
  ringing: 1,
  'in-progress': 2,
  completed: 3,
  busy: 3,
  failed: 3,
  'no-answer': 3,
  canceled: 3,
};

export const CALL_STATUSES = Object.keys(STATUS_RANK) as [string, ...string[]];

export function isFinalStatus(status: string): boolean {
  return STATUS_RANK[status] === 3;
}

export interface CallStatusUpdate {
  callSid: string;
  callStatus: string;
  durationSeconds?: number | undefined;
}

export interface CallStatusResult {
  /** False when the call is unknown or the update was older than what we have. */
  applied: boolean;
  /** Set when this update ended the call: the outcome recorded. */
  endedWithOutcome?: string;
}

/**
 * Moves a call's status forward. When the call ends, it records the end time, its duration and
 * an outcome: the one the conversation already set (booked, transferred, ...) or, failing that,
 * how the call ended; and it queues the call's summary for the business, and a follow-up text
 * for a caller whose media stream failed before they were done.
 */
export async function applyCallStatus(manager: EntityManager, update: CallStatusUpdate): Promise<CallStatusResult> {
  const current: { id: string; business_id: string; status: string; outcome: string | null; fell_back: boolean }[] = await manager.query(
    `SELECT id, business_id, status, outcome, stream_fell_back_at IS NOT NULL AS fell_back
       FROM calls WHERE call_sid = $1 FOR UPDATE`,
    [update.callSid],
  );
  const known = current[0];
  if (!known || (STATUS_RANK[update.callStatus] ?? -1) <= (STATUS_RANK[known.status] ?? -1)) return { applied: false };

  if (!isFinalStatus(update.callStatus)) {
    await manager.query(`UPDATE calls SET status = $2, updated_at = now() WHERE call_sid = $1`, [
      update.callSid,
      update.callStatus,
    ]);
    return { applied: true };
  }
  const outcome = known.outcome ?? update.callStatus;
  await manager.query(
    `UPDATE calls SET status = $2, outcome = $3, ended_at = coalesce(ended_at, now()),
            duration_seconds = coalesce($4, duration_seconds), updated_at = now()
      WHERE call_sid = $1`,
    [update.callSid, update.callStatus, outcome, update.durationSeconds ?? null],
  );
  // A media-stream call may still be storing its last turns when Twilio reports the end.
  const availableAt = new Date(Date.now() + SUMMARY_DELAY_MS);
  await writeOutbox(manager, { businessId: known.business_id, kind: 'call-summary', dedupeKey: `${known.id}:summary`, payload: { callId: known.id }, availableAt });
  // The stream failed mid-call (it went on in `<Gather>` mode) and nothing was finished: offer to finish by text.
  if (known.fell_back && callLeftUnfinished(outcome)) {
    await writeOutbox(manager, { businessId: known.business_id, kind: 'call-follow-up', dedupeKey: `${known.id}:follow-up`, payload: { callId: known.id }, availableAt });
  }
  return { applied: true, endedWithOutcome: outcome };
}
