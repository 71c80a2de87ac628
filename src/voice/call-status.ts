import type { EntityManager } from 'typeorm';

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
 * how the call ended.
 */
export async function applyCallStatus(manager: EntityManager, update: CallStatusUpdate): Promise<CallStatusResult> {
  const current: { status: string }[] = await manager.query(
    `SELECT status FROM calls WHERE call_sid = $1 FOR UPDATE`,
    [update.callSid],
  );
  const known = current[0];
  if (!known || (STATUS_RANK[update.callStatus] ?? -1) <= (STATUS_RANK[known.status] ?? -1)) return { applied: false };

  const final = isFinalStatus(update.callStatus);
  const rows: { outcome: string | null }[] = await manager.query(
    `UPDATE calls SET
        status = $2,
        ended_at = CASE WHEN $3 THEN coalesce(ended_at, now()) ELSE ended_at END,
        duration_seconds = CASE WHEN $3 THEN coalesce($4, duration_seconds) ELSE duration_seconds END,
        outcome = CASE WHEN $3 THEN coalesce(outcome, $2) ELSE outcome END,
        updated_at = now()
      WHERE call_sid = $1
      RETURNING outcome`,
    [update.callSid, update.callStatus, final, update.durationSeconds ?? null],
  );
  const outcome = rows[0]?.outcome;
  return final && outcome ? { applied: true, endedWithOutcome: outcome } : { applied: true };
}
