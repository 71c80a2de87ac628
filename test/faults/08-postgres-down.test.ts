import assert from 'node:assert/strict';
import { twimlMessages } from '../../src/tools/twilio-client.js';
import { startFaultProxy, type FaultProxy } from '../fakes/fault-proxy.js';
import { exampleBusinesses } from '../support/businesses.js';
import { sid, signedPost } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';
import { report, startFaultFrontdesk, type FaultFrontdesk } from './support.js';

/** The 30 s outage, at full length. */
const DOWN_MS = 30_000;
const PROBE_EVERY_MS = 500;
/** Twilio gives a voice webhook 15 s; the caller should hear something well before. */
const ANSWER_BUDGET_MS = 6000;
/** Twilio's own limit on a webhook's answer; past it the texter gets nothing. */
const TWILIO_GIVES_UP_MS = 15_000;
const PINNED_NOW = new Date('2026-12-07T14:00:00Z');
const { salon } = exampleBusinesses();
const salonNumber = salon.phoneNumbers[0]!;

const isGreeting = (twiml: string) => twiml.includes('<Gather');
const isFallback = (twiml: string) => twiml.includes('<Dial') || /can't take your call/.test(twiml);

describe('faults #8: Postgres down', () => {
  let proxy: FaultProxy;
  let app: FaultFrontdesk;
  before(async () => {
    proxy = await startFaultProxy({ host: '127.0.0.1', port: 5432 });
    app = await startFaultFrontdesk({
      logLevel: 'error',
      start: { now: () => PINNED_NOW },
      databaseUrl: (direct) => direct.replace('127.0.0.1:5432', `127.0.0.1:${proxy.port}`),
    });
  });
  after(async () => {
    await proxy.refuse(false);
    await app.close();
    await proxy.close();
  });

  const call = async () => {
    const callSid = sid('CA');
    const startedAt = Date.now();
    const response = await signedPost(app, '/twilio/voice', { CallSid: callSid, From: nextPhone(), To: salonNumber, CallStatus: 'ringing' });
    return { callSid, status: response.status, twiml: await response.text(), ms: Date.now() - startedAt };
  };
  const text = async (from: string, body: string, messageSid = sid('SM')) => {
    const response = await signedPost(app, '/twilio/sms', { MessageSid: messageSid, From: from, To: salonNumber, Body: body, NumMedia: '0' });
    return { messageSid, status: response.status, reply: twimlMessages(await response.text()).join('\n') };
  };

  it(`answers every call with the fallback while Postgres is down ${DOWN_MS / 1000} s, promises nothing, and recovers without a restart`, async () => {
    // A texter is one "yes" from a booking when the database goes away.
    const texter = nextPhone();
    const offer = await text(texter, "hi I'd like a haircut tomorrow at 3 pm");
    assert.match(offer.reply, /3 pm|3:00/i, offer.reply);
    assert.ok(isGreeting((await call()).twiml), 'calls are answered normally before the outage');

    await proxy.refuse(true);
    proxy.cut();
    const downSince = Date.now();
    const during: Awaited<ReturnType<typeof call>>[] = [];
    const textsDuring: Awaited<ReturnType<typeof text>>[] = [];
    let confirmation: Awaited<ReturnType<typeof text>> | undefined;
    while (Date.now() - downSince < DOWN_MS) {
      const probes: Promise<unknown>[] = [call().then((result) => during.push(result))];
      if (!confirmation) probes.push(text(texter, 'yes please').then((result) => (confirmation = result)));
      else probes.push(text(nextPhone(), 'do you have anything friday?').then((result) => textsDuring.push(result)));
      await Promise.all([...probes, new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS))]);
    }
    await proxy.refuse(false);
    const upSince = Date.now();

    // Recovery: the same process answers normally again, without a restart.
    let recoveredAfterMs = -1;
    let afterRecovery: Awaited<ReturnType<typeof call>> | undefined;
    while (Date.now() - upSince < 30_000) {
      afterRecovery = await call();
      if (isGreeting(afterRecovery.twiml)) {
        recoveredAfterMs = Date.now() - upSince;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Twilio retries the "yes" it got an apology for; now it books, once.
    const retried = await text(texter, 'yes please', confirmation!.messageSid);

    const db = app.db.dataSource;
    const [callRowsDuring] = await db.query(`SELECT count(*)::int AS n FROM calls WHERE call_sid = ANY($1)`, [during.map((probe) => probe.callSid)]);
    const [textRowsDuring] = await db.query(`SELECT count(*)::int AS n FROM messages WHERE message_sid = ANY($1)`, [textsDuring.map((probe) => probe.messageSid)]);
    const [texterBookings] = await db.query(
      `SELECT count(*)::int AS n FROM bookings b JOIN customers c ON c.id = b.customer_id WHERE c.phone = $1 AND b.status <> 'cancelled'`,
      [texter],
    );
    const fallbacks = during.filter((probe) => probe.status === 200 && isFallback(probe.twiml)).length;
    const slowest = Math.max(...during.map((probe) => probe.ms));
    const promised = [confirmation!, ...textsDuring].filter((probe) => /booked|confirmed|see you/i.test(probe.reply)).length;
    const apologies = [confirmation!, ...textsDuring].filter((probe) => probe.status === 200 && /can't answer messages right now/.test(probe.reply)).length;

    report(
      8,
      `Postgres down ${DOWN_MS / 1000} s: calls ${during.length} → fallback TwiML ${fallbacks} (slowest ${slowest} ms), texts ${textsDuring.length + 1} → apology ${apologies}, ` +
        `promised during outage ${promised}, rows stored for them ${callRowsDuring.n + textRowsDuring.n}; recovered ${recoveredAfterMs} ms after Postgres returned (no restart); ` +
        `retried "yes" → ${/booked/i.test(retried.reply) ? 'booked' : JSON.stringify(retried.reply)}, texter's bookings ${texterBookings.n}`,
    );
    assert.equal(fallbacks, during.length, during.filter((probe) => !isFallback(probe.twiml)).map((probe) => `${probe.status} ${probe.twiml}`).slice(0, 2).join('\n'));
    assert.ok(slowest < ANSWER_BUDGET_MS, `a call waited ${slowest} ms for its answer`);
    assert.equal(promised, 0);
    assert.equal(apologies, textsDuring.length + 1);
    assert.equal(callRowsDuring.n + textRowsDuring.n, 0);
    assert.ok(recoveredAfterMs >= 0, `still not answering normally: ${afterRecovery?.twiml}`);
    assert.match(retried.reply, /booked/i);
    assert.equal(texterBookings.n, 1);
  });
  it('answers calls within the budget while Postgres accepts connections but never answers (hung), and recovers', async () => {
    // Longer than Twilio waits for an answer, so a text that waits for Postgres to come back would fail.
    const HUNG_MS = 20_000;
    proxy.hang(true);
    const hungSince = Date.now();
    const during: Awaited<ReturnType<typeof call>>[] = [];
    const textMs: number[] = [];
    const probes: Promise<unknown>[] = [];
    const timedText = async () => {
      const startedAt = Date.now();
      await text(nextPhone(), 'what are your opening hours');
      textMs.push(Date.now() - startedAt);
    };
    while (Date.now() - hungSince < HUNG_MS) {
      probes.push(call().then((result) => during.push(result)), timedText());
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
    }
    proxy.hang(false);
    await Promise.all(probes);
    const upSince = Date.now();
    let recoveredAfterMs = -1;
    while (Date.now() - upSince < 30_000) {
      if (isGreeting((await call()).twiml)) {
        recoveredAfterMs = Date.now() - upSince;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const answeredInTime = during.filter((probe) => probe.status === 200 && probe.ms < ANSWER_BUDGET_MS).length;
    const slowest = Math.max(...during.map((probe) => probe.ms));
    report(
      8,
      `Postgres hung ${HUNG_MS / 1000} s: calls ${during.length} → answered within ${ANSWER_BUDGET_MS} ms ${answeredInTime} ` +
        `(fallback ${during.filter((probe) => isFallback(probe.twiml)).length}, greeting ${during.filter((probe) => isGreeting(probe.twiml)).length}, slowest ${slowest} ms); ` +
        `texts ${textMs.length}, slowest text answer ${Math.max(...textMs)} ms (Twilio gives up at ${TWILIO_GIVES_UP_MS}); recovered ${recoveredAfterMs} ms after`,
    );
    assert.equal(answeredInTime, during.length, `slowest answer ${slowest} ms`);
    assert.ok(Math.max(...textMs) < TWILIO_GIVES_UP_MS, `a text waited ${Math.max(...textMs)} ms; Twilio would have given up on it`);
    assert.ok(recoveredAfterMs >= 0);
  });
});
