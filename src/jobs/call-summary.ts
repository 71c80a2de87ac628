import { DateTime } from 'luxon';
import type { DataSource, EntityManager } from 'typeorm';
import type { BusinessDirectory } from '../config/business-directory.js';
import type { Business } from '../config/business-schema.js';
import { writeOutbox } from '../storage/outbox.js';
import { lockLiveRow, markFinished, markSent } from './outbox-claim.js';
import { escapeHtml } from '../channels/senders/mail-html.js';

/** Caller lines quoted in the short summary; the full transcript follows in the HTML part. */
const QUOTED_CALLER_LINES = 6;

interface SummarisedCall {
  id: string;
  business_id: string;
  from_number: string;
  outcome: string | null;
  duration_seconds: number | null;
  started_at: Date;
}

interface Turn {
  speaker: 'caller' | 'agent';
  text: string;
  heard_text: string | null;
  interrupted: boolean;
}

/**
 * A `call-summary` row (written when a call ends, `{ callId }`) becomes an email row to the
 * business's `teamEmail`: who called, what was done, what they said, and the transcript. It is
 * composed when the job runs rather than when the call ends, so turns a media-stream call was
 * still storing are in it. Without a `teamEmail` there is nobody to tell: the row is cancelled.
 */
export async function composeCallSummary(dataSource: DataSource, businesses: BusinessDirectory, outboxId: string): Promise<'composed' | 'skipped'> {
  return dataSource.transaction(async (manager) => {
    const row = await lockLiveRow(manager, outboxId, 'call-summary');
    if (!row) return 'skipped';
    const business = businesses.get(row.business_id);
    const callId = row.payload.callId;
    const call = typeof callId === 'string' ? await loadCall(manager, callId) : undefined;
    if (!business?.teamEmail || !call) {
      await markFinished(manager, row.id, 'cancelled', business?.teamEmail ? 'the call is gone' : 'the business has no teamEmail');
      return 'skipped';
    }
    const turns: Turn[] = await manager.query(
      `SELECT speaker, text, heard_text, interrupted FROM call_turns WHERE call_id = $1 ORDER BY seq`,
      [call.id],
    );
    const mail = summaryMail(business, call, turns);
    await writeOutbox(manager, {
      businessId: row.business_id,
      kind: 'email',
      dedupeKey: `${row.id}:email`,
      payload: { to: business.teamEmail, ...mail, messageId: `<${row.id}.email@frontdesk>` },
    });
    await markSent(manager, row.id, null);
    return 'composed';
  });
}

async function loadCall(manager: EntityManager, callId: string): Promise<SummarisedCall | undefined> {
  const rows: SummarisedCall[] = await manager.query(
    `SELECT id, business_id, from_number, outcome, duration_seconds, started_at FROM calls WHERE id = $1`,
    [callId],
  );
  return rows[0];
}

const OUTCOME_WORDS: Record<string, string> = {
  booked: 'booked an appointment',
  moved: 'moved their appointment',
  cancelled: 'cancelled their appointment',
  transferred: 'was put through to the team',
  message: 'left a message for the team',
  hung_up: 'hung up',
  completed: 'asked a question (nothing was booked)',
};

export function summaryMail(business: Business, call: SummarisedCall, turns: readonly Turn[]): { subject: string; text: string; html: string } {
  const when = DateTime.fromJSDate(new Date(call.started_at), { zone: business.timeZone }).toFormat('ccc d LLL HH:mm');
  const caller = call.from_number || 'a withheld number';
  const what = OUTCOME_WORDS[call.outcome ?? ''] ?? `ended (${call.outcome ?? 'unknown'})`;
  const length = call.duration_seconds === null ? '' : `, ${Math.floor(call.duration_seconds / 60)} min ${call.duration_seconds % 60} s`;
  const said = turns.filter((turn) => turn.speaker === 'caller' && turn.text.trim()).slice(0, QUOTED_CALLER_LINES);
  const line = (turn: Turn) => {
    const text = turn.interrupted && turn.heard_text !== null ? `${turn.heard_text} [interrupted]` : turn.text;
    return `${turn.speaker === 'caller' ? 'Caller' : 'Receptionist'}: ${text}`;
  };
  const summary = `${caller} called on ${when}${length} and ${what}.`;
  const text = [summary, '', 'They said:', ...said.map((turn) => `- ${turn.text}`), '', 'Transcript:', ...turns.map(line)].join('\n');
  const html = [
    `<p>${escapeHtml(summary)}</p>`,
    `<p>They said:</p><ul>${said.map((turn) => `<li>${escapeHtml(turn.text)}</li>`).join('')}</ul>`,
    `<p>Transcript:</p><p>${turns.map((turn) => escapeHtml(line(turn))).join('<br>')}</p>`,
  ].join('\n');
  return { subject: `Call from ${caller}: ${call.outcome ?? 'ended'}`, text, html };
}
