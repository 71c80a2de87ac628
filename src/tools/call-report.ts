import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import type { Business } from '../config/business-schema.js';
import type { SimulatedCall } from './call-simulator.js';

/** The last stdout line of `npm run call` (issue 7, deliverable 6). */
export interface CallSummary {
  turns: {
    caller: string;
    agent: string;
    endpointing_ms: number | null;
    understanding_ms: number | null;
    tts_first_byte_ms: number | null;
    voice_to_voice_ms: number | null;
  }[];
  barge_ins: { clear_after_ms: number | null }[];
  booking: { id: string; service: string; staff: string; starts_at: string; status: string } | null;
  outcome: 'booked' | 'moved' | 'cancelled' | 'transferred' | 'message' | 'hung_up' | 'other';
  v2v_ms_p50: number | null;
}

interface TurnRow {
  speaker: 'caller' | 'agent';
  text: string;
  heard_text: string | null;
  interrupted: boolean;
  timings: Record<string, number>;
}

const OUTCOMES = new Set(['booked', 'moved', 'cancelled', 'transferred', 'message', 'hung_up']);

/** Reads what the call left in the database and puts it next to what the simulator measured. */
export async function reportCall(dataSource: DataSource, business: Business, call: SimulatedCall): Promise<{ transcript: string; summary: CallSummary }> {
  const [row]: { id: string; outcome: string | null; customer_id: string | null }[] = await dataSource.query(
    `SELECT id, outcome, customer_id FROM calls WHERE call_sid = $1`,
    [call.callSid],
  );
  const turns: TurnRow[] = row
    ? await dataSource.query(`SELECT speaker, text, heard_text, interrupted, timings FROM call_turns WHERE call_id = $1 ORDER BY seq`, [row.id])
    : [];
  const transcript = turns
    .map((turn) => {
      if (turn.speaker === 'caller') return `caller: ${turn.text}`;
      const cut = turn.interrupted ? `  [interrupted; heard: "${turn.heard_text ?? ''}"]` : '';
      return `agent:  ${turn.text}${cut}`;
    })
    .join('\n');

  const paired: CallSummary['turns'] = [];
  turns.forEach((turn, index) => {
    if (turn.speaker !== 'caller') return;
    const reply = turns.slice(index + 1).find((next) => next.speaker === 'agent');
    const measured = call.measures[paired.length]?.voiceToVoiceMs;
    paired.push({
      caller: turn.text,
      agent: reply ? (reply.interrupted ? (reply.heard_text ?? '') : reply.text) : '',
      endpointing_ms: turn.timings.endpointing ?? null,
      understanding_ms: turn.timings.understanding ?? null,
      tts_first_byte_ms: reply?.timings.tts_first_byte ?? null,
      voice_to_voice_ms: measured ?? null,
    });
  });
  const v2v = paired.flatMap((turn) => (turn.voice_to_voice_ms === null ? [] : [turn.voice_to_voice_ms]));
  const summary: CallSummary = {
    turns: paired,
    barge_ins: call.measures.filter((m) => 'clearAfterMs' in m).map((m) => ({ clear_after_ms: m.clearAfterMs ?? null })),
    booking: row && ['booked', 'moved', 'cancelled'].includes(row.outcome ?? '') ? await bookingOf(dataSource, business, row.customer_id) : null,
    outcome: row?.outcome && OUTCOMES.has(row.outcome) ? (row.outcome as CallSummary['outcome']) : 'other',
    v2v_ms_p50: median(v2v),
  };
  return { transcript, summary };
}

/** The caller's most recently changed booking (a repeated request returns the existing one). */
async function bookingOf(dataSource: DataSource, business: Business, customerId: string | null): Promise<CallSummary['booking']> {
  if (!customerId) return null;
  const [booking]: { id: string; service: string; staff: string; starts_at: Date; status: string }[] = await dataSource.query(
    `SELECT b.id, s.name AS service, st.name AS staff, b.starts_at, b.status
       FROM bookings b JOIN services s ON s.id = b.service_id JOIN staff st ON st.id = b.staff_id
      WHERE b.business_id = $1 AND b.customer_id = $2
      ORDER BY b.updated_at DESC LIMIT 1`,
    [business.id, customerId],
  );
  if (!booking) return null;
  const startsAt = DateTime.fromJSDate(booking.starts_at, { zone: business.timeZone }).toISO({ suppressMilliseconds: true }) ?? '';
  return { id: booking.id, service: booking.service, staff: booking.staff, starts_at: startsAt, status: booking.status };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}
