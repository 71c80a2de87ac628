import type { DataSource } from 'typeorm';

export interface CallSummary {
  id: string;
  callSid: string;
  fromNumber: string;
  status: string;
  outcome: string | null;
  mediaMode: string;
  turnCount: number;
  durationSeconds: number | null;
  startedAt: Date;
}

export interface CallTurn {
  seq: number;
  speaker: 'caller' | 'agent';
  text: string;
  /** What the caller actually heard of an agent turn cut off by barge-in. */
  heardText: string | null;
  interrupted: boolean;
  /** Per-stage latencies in milliseconds, keyed by stage name (`voice_to_voice`, …). */
  timings: Record<string, number>;
  startedAt: Date;
}

export interface CallDetail extends CallSummary {
  businessId: string;
  toNumber: string;
  customerName: string | null;
  endedAt: Date | null;
  turns: CallTurn[];
}

const SUMMARY_COLUMNS = `c.id, c.call_sid, c.from_number, c.status, c.outcome, c.media_mode, c.turn_count,
  coalesce(c.duration_seconds, extract(epoch FROM c.ended_at - c.started_at)::int) AS duration_seconds, c.started_at`;

interface SummaryRow {
  id: string;
  call_sid: string;
  from_number: string;
  status: string;
  outcome: string | null;
  media_mode: string;
  turn_count: number;
  duration_seconds: number | null;
  started_at: Date;
}

function toSummary(row: SummaryRow): CallSummary {
  return {
    id: row.id,
    callSid: row.call_sid,
    fromNumber: row.from_number,
    status: row.status,
    outcome: row.outcome,
    mediaMode: row.media_mode,
    turnCount: row.turn_count,
    durationSeconds: row.duration_seconds,
    startedAt: new Date(row.started_at),
  };
}

/** The business's most recent calls, newest first. */
export async function listCalls(dataSource: DataSource, businessId: string, limit: number): Promise<CallSummary[]> {
  const rows: SummaryRow[] = await dataSource.query(
    `SELECT ${SUMMARY_COLUMNS} FROM calls c WHERE c.business_id = $1 ORDER BY c.started_at DESC LIMIT $2`,
    [businessId, limit],
  );
  return rows.map(toSummary);
}

/** One call with its turns in order; undefined when there is no such call. */
export async function loadCall(dataSource: DataSource, id: string): Promise<CallDetail | undefined> {
  const [row]: (SummaryRow & { business_id: string; to_number: string; customer_name: string | null; ended_at: Date | null })[] =
    await dataSource.query(
      `SELECT ${SUMMARY_COLUMNS}, c.business_id, c.to_number, c.ended_at, cu.name AS customer_name
         FROM calls c LEFT JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1`,
      [id],
    );
  if (!row) return undefined;
  const turns: { seq: number; speaker: 'caller' | 'agent'; text: string; heard_text: string | null; interrupted: boolean; timings: Record<string, number>; started_at: Date }[] =
    await dataSource.query(
      `SELECT seq, speaker, text, heard_text, interrupted, timings, started_at FROM call_turns WHERE call_id = $1 ORDER BY seq`,
      [id],
    );
  return {
    ...toSummary(row),
    businessId: row.business_id,
    toNumber: row.to_number,
    customerName: row.customer_name,
    endedAt: row.ended_at ? new Date(row.ended_at) : null,
    turns: turns.map((turn) => ({
      seq: turn.seq,
      speaker: turn.speaker,
      text: turn.text,
      heardText: turn.heard_text,
      interrupted: turn.interrupted,
      timings: turn.timings ?? {},
      startedAt: new Date(turn.started_at),
    })),
  };
}
