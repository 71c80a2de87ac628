import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import type { StatsRange } from './params.js';

export interface StatsBucket {
  /** Start of the bucket on the business's wall clock, e.g. `2026-12-07T15:00`. */
  label: string;
  calls: number;
  booked: number;
}

export interface BusinessStats {
  business: string;
  from: string;
  to: string;
  timeZone: string;
  calls: number;
  answered: number;
  booked: number;
  /** booked / answered, 0–1; null when nothing was answered. */
  conversion: number | null;
  transfers: number;
  /** Texts in and out (SMS, WhatsApp, email) in the range. */
  messages: number;
  /** Bookings made on any channel in the range, including ones later cancelled. */
  bookingsMade: number;
  averageCallSeconds: number | null;
  /** From call_turns timings (`voice_to_voice`, milliseconds); null when no turn carries one. */
  voiceToVoiceMs: { p50: number; p95: number; turns: number } | null;
  bargeIns: number;
  bucket: 'hour' | 'day';
  series: StatsBucket[];
}

/** Twilio end statuses meaning the call never reached the receptionist. */
const NOT_ANSWERED = ['busy', 'no-answer', 'failed', 'canceled'];

/**
 * The owner's figures for one business and range. Calls are counted by when they started, texts
 * and bookings by when they were made; buckets are the business's local hours or days.
 */
export async function loadStats(dataSource: DataSource, range: StatsRange): Promise<BusinessStats> {
  const args = [range.business.id, range.from, range.to];
  const [calls] = await dataSource.query(
    `SELECT count(*)::int AS calls,
            count(*) FILTER (WHERE status <> ALL($4))::int AS answered,
            count(*) FILTER (WHERE outcome = 'booked')::int AS booked,
            count(*) FILTER (WHERE outcome = 'transferred')::int AS transfers,
            avg(coalesce(duration_seconds, extract(epoch FROM ended_at - started_at)))
              FILTER (WHERE ended_at IS NOT NULL OR duration_seconds IS NOT NULL)::float AS average_seconds
       FROM calls WHERE business_id = $1 AND started_at >= $2 AND started_at < $3`,
    [...args, NOT_ANSWERED],
  );
  const [turns] = await dataSource.query(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (t.timings->>'voice_to_voice')::float) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY (t.timings->>'voice_to_voice')::float) AS p95,
            count(*) FILTER (WHERE t.timings ? 'voice_to_voice')::int AS timed,
            count(*) FILTER (WHERE t.interrupted)::int AS barge_ins
       FROM call_turns t JOIN calls c ON c.id = t.call_id
      WHERE c.business_id = $1 AND c.started_at >= $2 AND c.started_at < $3`,
    args,
  );
  const [counts] = await dataSource.query(
    `SELECT (SELECT count(*)::int FROM messages WHERE business_id = $1 AND created_at >= $2 AND created_at < $3) AS messages,
            (SELECT count(*)::int FROM bookings WHERE business_id = $1 AND created_at >= $2 AND created_at < $3) AS bookings`,
    args,
  );
  return {
    business: range.business.id,
    from: range.fromDay,
    to: range.toDay,
    timeZone: range.business.timeZone,
    calls: calls.calls,
    answered: calls.answered,
    booked: calls.booked,
    conversion: calls.answered ? calls.booked / calls.answered : null,
    transfers: calls.transfers,
    messages: counts.messages,
    bookingsMade: counts.bookings,
    averageCallSeconds: calls.average_seconds === null ? null : Math.round(calls.average_seconds),
    voiceToVoiceMs: turns.timed ? { p50: Math.round(turns.p50), p95: Math.round(turns.p95), turns: turns.timed } : null,
    bargeIns: turns.barge_ins,
    bucket: range.bucket,
    series: await loadSeries(dataSource, range),
  };
}

/** Calls and bookings-by-call per local hour or day, with empty buckets filled in. */
async function loadSeries(dataSource: DataSource, range: StatsRange): Promise<StatsBucket[]> {
  const rows: { bucket: string; calls: number; booked: number }[] = await dataSource.query(
    `SELECT to_char(date_trunc($4, started_at AT TIME ZONE $5), 'YYYY-MM-DD"T"HH24:MI') AS bucket,
            count(*)::int AS calls, count(*) FILTER (WHERE outcome = 'booked')::int AS booked
       FROM calls WHERE business_id = $1 AND started_at >= $2 AND started_at < $3
      GROUP BY 1`,
    [range.business.id, range.from, range.to, range.bucket, range.business.timeZone],
  );
  const found = new Map(rows.map((row) => [row.bucket, row]));
  const series: StatsBucket[] = [];
  const end = DateTime.fromJSDate(range.to, { zone: range.business.timeZone });
  for (let at = DateTime.fromJSDate(range.from, { zone: range.business.timeZone }); at < end; at = at.plus({ [`${range.bucket}s`]: 1 })) {
    const label = at.toFormat("yyyy-LL-dd'T'HH:mm");
    // A repeated fall-back hour is one wall-clock bucket; list it once.
    if (series.at(-1)?.label === label) continue;
    series.push({ label, calls: found.get(label)?.calls ?? 0, booked: found.get(label)?.booked ?? 0 });
  }
  return series;
}
