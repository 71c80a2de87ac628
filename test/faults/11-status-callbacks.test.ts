import assert from 'node:assert/strict';
import { exampleBusinesses } from '../support/businesses.js';
import { sid, signedPost } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';
import { inParallel, report, startFaultFrontdesk, type FaultFrontdesk } from './support.js';

const CALLS = 100;
const MESSAGES = 100;
const { salon } = exampleBusinesses();
const salonNumber = salon.phoneNumbers[0]!;

/** A deterministic shuffle, so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Each callback sent twice or three times, the whole lot in a random order, some at once. */
function duplicatedAndReordered<T>(callbacks: readonly T[], seed: number): T[][] {
  const copies = callbacks.flatMap((callback, i) => Array.from({ length: 2 + ((seed + i) % 2) }, () => callback));
  const order = shuffled(copies, seed);
  const batches: T[][] = [];
  for (let i = 0; i < order.length; ) {
    const size = 1 + ((seed + i) % 3);
    batches.push(order.slice(i, i + size));
    i += size;
  }
  return batches;
}

describe('faults #11: duplicated and reordered status callbacks', () => {
  let app: FaultFrontdesk;
  before(async () => {
    app = await startFaultFrontdesk({ logLevel: 'error' });
  });
  after(async () => app.close());

  it(`${CALLS} calls and ${MESSAGES} messages: the final status is right and never moves backwards`, async () => {
    const callFinals = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
    const calls = await inParallel(Array.from({ length: CALLS }, (_, i) => i), 16, async (i) => {
      const callSid = sid('CA');
      await signedPost(app, '/twilio/voice', { CallSid: callSid, From: nextPhone(), To: salonNumber, CallStatus: 'ringing' });
      const final = callFinals[i % callFinals.length]!;
      const path = final === 'completed' ? ['ringing', 'in-progress', 'completed'] : ['ringing', final];
      return { callSid, final, callbacks: path.map((status) => ({ CallSid: callSid, CallStatus: status, ...(status === 'completed' ? { CallDuration: '61' } : {}) })) };
    });
    // Outbound texts as the text worker records them once Twilio accepted them: queued, with Twilio's sid.
    const messageFinals = ['delivered', 'undelivered', 'failed', 'read'];
    const messages = Array.from({ length: MESSAGES }, (_, i) => {
      const final = messageFinals[i % messageFinals.length]!;
      const path = final === 'read' ? ['queued', 'sent', 'delivered', 'read'] : ['queued', 'sending', 'sent', final];
      const messageSid = sid('SM');
      return { messageSid, final, callbacks: path.map((status) => ({ MessageSid: messageSid, MessageStatus: status })) };
    });
    await app.db.dataSource.query(
      `INSERT INTO messages (business_id, channel, direction, message_sid, from_address, to_address, body, status)
       SELECT $1, 'sms', 'outbound', sid, $2, '+12125550111', 'Bella Hair Studio: see you soon', 'queued' FROM unnest($3::text[]) AS sid`,
      [salon.id, salonNumber, messages.map((message) => message.messageSid)],
    );

    const statusWatch = startWatchingStatuses(app, calls.map((call) => call.callSid), messages.map((message) => message.messageSid));
    const failures: string[] = [];
    const send = async (path: string, params: Record<string, string>) => {
      const response = await signedPost(app, path, params);
      if (response.status !== 204) failures.push(`${path} ${JSON.stringify(params)}: ${response.status}`);
    };
    const callBatches = duplicatedAndReordered(calls.flatMap((call) => call.callbacks), 7);
    const messageBatches = duplicatedAndReordered(messages.flatMap((message) => message.callbacks), 11);
    await Promise.all([
      inParallel(callBatches, 8, (batch) => Promise.all(batch.map((params) => send('/twilio/voice/status', params)))),
      inParallel(messageBatches, 8, (batch) => Promise.all(batch.map((params) => send('/twilio/message-status', params)))),
    ]);
    const backwards = await statusWatch.stop();

    const db = app.db.dataSource;
    const callRows: { call_sid: string; status: string; ended_at: Date | null }[] = await db.query(
      `SELECT call_sid, status, ended_at FROM calls WHERE call_sid = ANY($1)`,
      [calls.map((call) => call.callSid)],
    );
    const wrongCalls = calls.filter((call) => {
      const row = callRows.find((candidate) => candidate.call_sid === call.callSid);
      return !row || row.status !== call.final || !row.ended_at;
    });
    const messageRows: { message_sid: string; status: string }[] = await db.query(
      `SELECT message_sid, status FROM messages WHERE message_sid = ANY($1)`,
      [messages.map((message) => message.messageSid)],
    );
    const wrongMessages = messages.filter((message) => messageRows.find((row) => row.message_sid === message.messageSid)?.status !== message.final);
    const [endedCount] = await db.query(`SELECT count(*)::int AS n FROM calls WHERE call_sid = ANY($1) AND outcome IS NOT NULL`, [calls.map((call) => call.callSid)]);
    const callsTotal = (await app.running.metrics.registry.getSingleMetric('frontdesk_calls_total')!.get()).values.reduce((sum, value) => sum + value.value, 0);

    report(
      11,
      `call callbacks ${callBatches.flat().length} (${CALLS} calls) + message callbacks ${messageBatches.flat().length} (${MESSAGES} messages), duplicated 2–3× and shuffled: ` +
        `wrong final status ${wrongCalls.length + wrongMessages.length}, moved backwards ${backwards.length}, refused ${failures.length}; calls ended ${endedCount.n}, calls_total ${callsTotal} (once per call: ${CALLS})`,
    );
    assert.deepEqual(failures.slice(0, 3), []);
    assert.deepEqual(wrongCalls.slice(0, 3), []);
    assert.deepEqual(wrongMessages.slice(0, 3).map((message) => [message.final, messageRows.find((row) => row.message_sid === message.messageSid)?.status]), []);
    assert.deepEqual(backwards.slice(0, 3), []);
    assert.equal(callsTotal, CALLS);
  });
});

const CALL_RANK: Record<string, number> = { queued: 0, initiated: 0, ringing: 1, 'in-progress': 2, completed: 3, busy: 3, failed: 3, 'no-answer': 3, canceled: 3 };
const MESSAGE_RANK: Record<string, number> = { queued: 1, sending: 2, sent: 3, delivered: 4, undelivered: 4, failed: 4, read: 5 };

/**
 * Samples statuses while callbacks land and reports any that went down in rank, or that changed
 * between two final ones (read after delivered is the one forward move among finals).
 */
function startWatchingStatuses(app: FaultFrontdesk, callSids: string[], messageSids: string[]) {
  const last = new Map<string, string>();
  const backwards: string[] = [];
  let stopped = false;
  const check = (id: string, status: string, rank: Record<string, number>, final: number) => {
    const before = last.get(id);
    if (before && before !== status && (rank[status]! < rank[before]! || (rank[before] === final && rank[status] === final))) {
      backwards.push(`${id}: ${before} → ${status}`);
    }
    last.set(id, status);
  };
  const loop = (async () => {
    while (!stopped) {
      const calls: { id: string; status: string }[] = await app.db.dataSource.query(`SELECT call_sid AS id, status FROM calls WHERE call_sid = ANY($1)`, [callSids]);
      for (const row of calls) check(row.id, row.status, CALL_RANK, 3);
      const messages: { id: string; status: string }[] = await app.db.dataSource.query(`SELECT message_sid AS id, status FROM messages WHERE message_sid = ANY($1)`, [messageSids]);
      for (const row of messages) check(row.id, row.status, MESSAGE_RANK, 4);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    async stop(): Promise<string[]> {
      stopped = true;
      await loop;
      return backwards;
    },
  };
}
