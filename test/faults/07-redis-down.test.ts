import assert from 'node:assert/strict';
import { twimlMessages } from '../../src/tools/twilio-client.js';
import { startFaultProxy, type FaultProxy } from '../fakes/fault-proxy.js';
import { startFakeTwilioRest, type FakeTwilioRest } from '../fakes/twilio-rest.js';
import { exampleBusinesses } from '../support/businesses.js';
import { sid, signedPost } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';
import { inParallel, report, startFaultFrontdesk, waitUntil, type FaultFrontdesk } from './support.js';

/** The issue's 60 s outage, at full length. */
const DOWN_MS = 60_000;
const CALLERS = 25;
const TEXTERS = 25;
/** No request may wait on Redis: well under Twilio's 15 s, and under the texts' 2 s inline budget plus margin. */
const HUNG_AFTER_MS = 5000;
const { salon } = exampleBusinesses();
const salonNumber = salon.phoneNumbers[0]!;
/** Requested times spread over the week so most conversations can book. */
const DAYS = ['tomorrow', 'on wednesday', 'on thursday', 'on friday', 'on saturday'];
const HOURS = ['10 am', '11 am', '1 pm', '2 pm', '3 pm'];
const ask = (i: number) => `a haircut ${DAYS[i % DAYS.length]} at ${HOURS[Math.floor(i / DAYS.length) % HOURS.length]}`;

describe('faults #7: Redis down during calls and texts', () => {
  let redis: FaultProxy;
  let twilio: FakeTwilioRest;
  let app: FaultFrontdesk;
  before(async () => {
    redis = await startFaultProxy({ host: '127.0.0.1', port: 6379 });
    twilio = await startFakeTwilioRest();
    app = await startFaultFrontdesk({
      role: 'all',
      logLevel: 'error',
      env: {
        REDIS_URL: `redis://127.0.0.1:${redis.port}`,
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_API_URL: twilio.url,
      },
    });
  });
  after(async () => {
    await redis.refuse(false);
    await app.close();
    await Promise.all([twilio.close(), redis.close()]);
  });

  it(`answers ${CALLERS} calls and ${TEXTERS} texters while Redis is down ${DOWN_MS / 1000} s; every confirmation goes out once after`, async () => {
    await redis.refuse(true);
    redis.cut();
    const downSince = Date.now();
    const slowest = { ms: 0 };
    const timed = async <T>(work: () => Promise<T>): Promise<T> => {
      const startedAt = Date.now();
      try {
        return await work();
      } finally {
        slowest.ms = Math.max(slowest.ms, Date.now() - startedAt);
      }
    };
    const post = (path: string, params: Record<string, string>) =>
      timed(async () => {
        const response = await signedPost(app, path, params, {});
        return { status: response.status, body: await response.text() };
      });

    const people = Array.from({ length: CALLERS + TEXTERS }, (_, i) => ({ i, phone: nextPhone(), calls: i < CALLERS }));
    const answered = await inParallel(people, 10, async ({ i, phone, calls }) => {
      if (calls) {
        const callSid = sid('CA');
        const base = { CallSid: callSid, From: phone, To: salonNumber };
        const greeting = await post('/twilio/voice', { ...base, CallStatus: 'ringing' });
        const offer = await post('/twilio/voice/gather?turn=1', { ...base, SpeechResult: `hi I'd like ${ask(i)}` });
        const done = await post('/twilio/voice/gather?turn=2', { ...base, SpeechResult: 'yes please' });
        await post('/twilio/voice/status', { CallSid: callSid, CallStatus: 'completed', CallDuration: '40' });
        return [greeting, offer, done].every((step) => step.status === 200 && /<Say/.test(step.body));
      }
      const text = (body: string) => post('/twilio/sms', { MessageSid: sid('SM'), From: phone, To: salonNumber, Body: body, NumMedia: '0' });
      const offer = await text(`hi I'd like ${ask(i)}`);
      const done = await text('yes please');
      return [offer, done].every((step) => step.status === 200 && twimlMessages(step.body).length > 0);
    });
    const answeredWhileDown = Date.now() - downSince < DOWN_MS;
    // Stay down for the whole outage, then come back.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, DOWN_MS - (Date.now() - downSince))));
    const db = app.db.dataSource;
    const [{ n: bookings }] = await db.query(`SELECT count(*)::int AS n FROM bookings WHERE status <> 'cancelled'`);
    const sentWhileDown = twilio.messages.length;
    const phonesBooked: { phone: string }[] = await db.query(
      `SELECT c.phone FROM bookings b JOIN customers c ON c.id = b.customer_id WHERE b.status <> 'cancelled'`,
    );
    const confirmationsTo = (phone: string) => twilio.messages.filter((message) => message.to === phone && /booked/i.test(message.body ?? '')).length;
    await redis.refuse(false);
    const upSince = Date.now();

    // Every booking's confirmation text, exactly once, within 120 s of Redis returning.
    const confirmed = () => phonesBooked.every(({ phone }) => confirmationsTo(phone) >= 1);
    let confirmedAfterMs = -1;
    try {
      await waitUntil(confirmed, 120_000, 'every confirmation sent');
      confirmedAfterMs = Date.now() - upSince;
    } catch {
      confirmedAfterMs = -1;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000)); // room for a duplicate to show up
    const once = phonesBooked.filter(({ phone }) => confirmationsTo(phone) === 1).length;
    const duplicated = phonesBooked.filter(({ phone }) => confirmationsTo(phone) > 1).length;

    report(
      7,
      `Redis down ${DOWN_MS / 1000} s: answered ${answered.filter(Boolean).length}/${people.length} (${CALLERS} calls, ${TEXTERS} texters; all before Redis returned: ${answeredWhileDown}), ` +
        `slowest request ${slowest.ms} ms, hung (> ${HUNG_AFTER_MS} ms) ${slowest.ms > HUNG_AFTER_MS ? '≥1' : 0}; bookings ${bookings}, texts sent while down ${sentWhileDown}; ` +
        `confirmations once ${once}/${bookings}, duplicated ${duplicated}, all sent ${confirmedAfterMs >= 0 ? `${Math.round(confirmedAfterMs / 1000)} s` : 'NOT within 120 s'} after Redis returned`,
    );
    assert.equal(answered.filter(Boolean).length, people.length);
    assert.ok(answeredWhileDown, 'the conversations ran while Redis was down');
    assert.ok(slowest.ms <= HUNG_AFTER_MS, `a request took ${slowest.ms} ms`);
    assert.ok(bookings > 0, 'the script books');
    assert.equal(sentWhileDown, 0, 'nothing can be relayed while Redis is down');
    assert.ok(confirmedAfterMs >= 0, 'every confirmation within 120 s of recovery');
    assert.equal(once, bookings);
    assert.equal(duplicated, 0);
  });
  // The shared client's commands time out after 500 ms; the rate limiter's in-memory insurance
  // then answers, so a hung Redis costs a text half a second, not the hang.
  it('answers texts and calls while Redis accepts connections but never answers (hung)', async () => {
    const HUNG_MS = 15_000;
    // Hang a connection that is up and ready: before `ready` ioredis fails commands at once.
    await waitUntil(async () => (await fetch(`${app.url}/health`)).status === 200, 15_000, 'Redis to be connected');
    redis.hang(true);
    const hungSince = Date.now();
    const timings: { what: string; ms: number; ok: boolean }[] = [];
    const probe = async (what: string, path: string, params: Record<string, string>) => {
      const startedAt = Date.now();
      const response = await signedPost(app, path, params);
      const body = await response.text();
      timings.push({ what, ms: Date.now() - startedAt, ok: response.status === 200 && body.includes('<') });
    };
    const probes: Promise<void>[] = [];
    for (let i = 0; Date.now() - hungSince < HUNG_MS - 1000; i += 1) {
      const phone = nextPhone();
      probes.push(
        probe('text', '/twilio/sms', { MessageSid: sid('SM'), From: phone, To: salonNumber, Body: `hi I'd like ${ask(i)}`, NumMedia: '0' }),
        probe('call', '/twilio/voice', { CallSid: sid('CA'), From: phone, To: salonNumber, CallStatus: 'ringing' }),
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await Promise.race([Promise.all(probes), new Promise((resolve) => setTimeout(resolve, HUNG_MS - (Date.now() - hungSince)))]);
    const answeredWhileHung = timings.length;
    redis.hang(false);
    await Promise.all(probes);
    const slowest = (what: string) => Math.max(0, ...timings.filter((timing) => timing.what === what).map((timing) => timing.ms));
    report(
      7,
      `Redis hung ${HUNG_MS / 1000} s: requests ${probes.length}, answered while hung ${answeredWhileHung}, ` +
        `slowest text ${slowest('text')} ms, slowest call ${slowest('call')} ms, hung (> ${HUNG_AFTER_MS} ms) ${timings.filter((timing) => timing.ms > HUNG_AFTER_MS).length}`,
    );
    assert.equal(timings.filter((timing) => timing.ms > HUNG_AFTER_MS).length, 0);
    assert.equal(timings.filter((timing) => !timing.ok).length, 0);
  });
});
