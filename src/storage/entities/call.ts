import { EntitySchema } from 'typeorm';
import { integer, text, timestamp, updatedAt, uuid, uuidPrimary } from './columns.js';

/** How the call's audio is handled: Twilio's own speech (`gather`) or our media stream. */
export type CallMediaMode = 'gather' | 'stream';

/** Call outcomes after which the caller has nothing left to finish. */
const FINISHED_OUTCOMES = new Set(['booked', 'moved', 'cancelled', 'transferred', 'message']);

/** Whether a call that ended with `outcome` left the caller something to finish (a follow-up text may help). */
export function callLeftUnfinished(outcome: string | null): boolean {
  return !FINISHED_OUTCOMES.has(outcome ?? '');
}

export interface CallRow {
  id: string;
  callSid: string;
  businessId: string;
  customerId: string | null;
  fromNumber: string;
  toNumber: string;
  direction: string;
  /** Twilio's CallStatus; only ever moves forward. */
  status: string;
  outcome: string | null;
  mediaMode: CallMediaMode;
  turnCount: number;
  /** The `<Gather>` mode's conversation state between turns (the dialog's own JSON). */
  dialogState: Record<string, unknown>;
  durationSeconds: number | null;
  startedAt: Date;
  endedAt: Date | null;
  updatedAt: Date;
}

export const CallEntity = new EntitySchema<CallRow>({
  name: 'Call',
  tableName: 'calls',
  columns: {
    id: uuidPrimary,
    callSid: text('call_sid'),
    businessId: text('business_id'),
    customerId: uuid('customer_id', true),
    fromNumber: text('from_number'),
    toNumber: text('to_number'),
    direction: text('direction'),
    status: text('status'),
    outcome: text('outcome', true),
    mediaMode: text('media_mode'),
    turnCount: integer('turn_count'),
    dialogState: { name: 'dialog_state', type: 'jsonb' },
    durationSeconds: integer('duration_seconds', true),
    startedAt: timestamp('started_at'),
    endedAt: timestamp('ended_at', true),
    updatedAt,
  },
});

export interface CallTurnRow {
  id: string;
  callId: string;
  seq: number;
  speaker: 'caller' | 'agent';
  text: string;
  /** For agent turns cut off by barge-in: the part the caller actually heard. */
  heardText: string | null;
  interrupted: boolean;
  /** Per-stage latencies in milliseconds, keyed by stage name. */
  timings: Record<string, number>;
  startedAt: Date;
  endedAt: Date | null;
}

export const CallTurnEntity = new EntitySchema<CallTurnRow>({
  name: 'CallTurn',
  tableName: 'call_turns',
  columns: {
    id: uuidPrimary,
    callId: uuid('call_id'),
    seq: integer('seq'),
    speaker: text('speaker'),
    text: text('text'),
    heardText: text('heard_text', true),
    interrupted: { type: 'boolean' },
    timings: { type: 'jsonb' },
    startedAt: timestamp('started_at'),
    endedAt: timestamp('ended_at', true),
  },
});
