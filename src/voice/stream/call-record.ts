import type { DataSource } from 'typeorm';
import type { Business } from '../../config/business-schema.js';
import type { BusinessDirectory } from '../../config/business-directory.js';
import { restoreDialogState, type DialogState } from '../../dialog/policy/dialog-state.js';

/**
 * The stored side of a media-stream call: the call row (dialog state, turn count, outcome) and
 * its turns. The dialog state is saved in the `<Gather>` mode's shape (`{dialog, silentTurns}`),
 * so a call whose stream drops can carry on in that mode from where it was.
 */
export interface StreamCallRecord {
  id: string;
  callSid: string;
  business: Business;
  fromNumber: string;
  dialog: DialogState;
  turnCount: number;
}

export interface StoredTurn {
  speaker: 'caller' | 'agent';
  text: string;
  /** Agent turns: what the caller heard of `text` (all of it unless interrupted). */
  heardText?: string;
  interrupted?: boolean;
  /** Per-stage durations, in ms. */
  timingsMs?: Record<string, number>;
  startedAt: Date;
  endedAt: Date;
}

/**
 * Checks the per-call token from the stream's `start` and uses it up: a token opens one stream.
 * False when the call is unknown, not in stream mode or the token is wrong or already used.
 */
export async function claimStreamToken(dataSource: DataSource, callSid: string, token: string): Promise<boolean> {
  if (!token) return false;
  // TypeORM answers an UPDATE on Postgres with [rows, affected count].
  const [, affected]: [unknown, number] = await dataSource.query(
    `UPDATE calls SET stream_token = NULL, updated_at = now()
      WHERE call_sid = $1 AND media_mode = 'stream' AND stream_token = $2`,
    [callSid, token],
  );
  return affected === 1;
}

export async function loadStreamCall(dataSource: DataSource, businesses: BusinessDirectory, callSid: string): Promise<StreamCallRecord | undefined> {
  const rows: { id: string; business_id: string; from_number: string; turn_count: number; dialog_state: { dialog?: unknown } | null }[] =
    await dataSource.query(`SELECT id, business_id, from_number, turn_count, dialog_state FROM calls WHERE call_sid = $1`, [callSid]);
  const row = rows[0];
  const business = row && businesses.get(row.business_id);
  if (!row || !business) return undefined;
  return {
    id: row.id,
    callSid,
    business,
    fromNumber: row.from_number,
    dialog: restoreDialogState(row.dialog_state?.dialog),
    turnCount: row.turn_count,
  };
}

/**
 * Appends turns and saves the dialog state and outcome in one transaction. `call.turnCount` is
 * advanced here; turns of one call are saved by one session, in order.
 */
export async function saveTurns(
  dataSource: DataSource,
  call: StreamCallRecord,
  turns: readonly StoredTurn[],
  change: { dialog?: DialogState; outcome?: string | undefined } = {},
): Promise<void> {
  if (change.dialog) call.dialog = change.dialog;
  const first = call.turnCount + 1;
  call.turnCount += turns.length;
  await dataSource.transaction(async (manager) => {
    for (const [index, turn] of turns.entries()) {
      await manager.query(
        `INSERT INTO call_turns (call_id, seq, speaker, text, heard_text, interrupted, timings, started_at, ended_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          call.id,
          first + index,
          turn.speaker,
          turn.text,
          turn.heardText ?? null,
          turn.interrupted ?? false,
          JSON.stringify(turn.timingsMs ?? {}),
          turn.startedAt,
          turn.endedAt,
        ],
      );
    }
    await manager.query(
      `UPDATE calls SET turn_count = $2, dialog_state = $3, outcome = coalesce($4, outcome), updated_at = now() WHERE id = $1`,
      [call.id, call.turnCount, JSON.stringify({ dialog: call.dialog, silentTurns: 0 }), change.outcome ?? null],
    );
  });
}

/** How the stream ended, for the route Twilio asks next (`<Redirect>` after `<Connect>`). */
export async function recordStreamEnd(dataSource: DataSource, callId: string, end: 'hangup' | 'transfer' | 'dropped', outcome?: string): Promise<void> {
  await dataSource.query(
    `UPDATE calls SET dialog_state = jsonb_set(dialog_state, '{streamEnd}', to_jsonb($2::text)),
            outcome = coalesce($3, outcome), updated_at = now() WHERE id = $1`,
    [callId, end, outcome ?? null],
  );
}
