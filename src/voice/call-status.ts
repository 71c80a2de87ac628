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
  const current: { status: string; outcome: string | null }[] = await manager.query(
    `SELECT status, outcome FROM calls WHERE call_sid = $1 FOR UPDATE`,
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
  return { applied: true, endedWithOutcome: outcome };
}
