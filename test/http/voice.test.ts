import assert from 'node:assert/strict';
import type { Pool } from 'pg';
import { exampleBusinesses } from '../support/businesses.js';
import { rowCounts, sid, signedPost, startTestFrontdesk, type TestFrontdesk, jsonBody } from '../support/frontdesk.js';

describe('POST /twilio/voice', () => {
  let app: TestFrontdesk;
  const { salon, dental } = exampleBusinesses();

  before(async () => {
    app = await startTestFrontdesk();
  });
  after(async () => app.close());

  it("greets a salon caller with the salon's greeting in Gather speech mode and records the call", async () => {
    const callSid = sid('CA');
    const response = await signedPost(app, '/twilio/voice', {
      CallSid: callSid,
      From: '+12125550123',
      To: salon.phoneNumbers[0]!,
      CallStatus: 'ringing',
      Direction: 'inbound',
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/xml/);
    const twiml = await response.text();
    assert.match(twiml, /<Gather [^>]*input="speech dtmf"[^>]*action="\/twilio\/voice\/gather\?turn=1"/);
    assert.ok(twiml.includes(escapeXml(salon.greeting)), 'the salon greeting is spoken inside <Gather>');

    const [call] = await app.db.dataSource.query(
      `SELECT c.business_id, c.status, c.media_mode, cu.phone FROM calls c LEFT JOIN customers cu ON cu.id = c.customer_id
        WHERE c.call_sid = $1`,
      [callSid],
    );
    assert.deepEqual(call, { business_id: salon.id, status: 'ringing', media_mode: 'gather', phone: '+12125550123' });
  });

  it('takes one pool statement per call without a Deepgram key, and still answers a retry with the stored bytes', async () => {
    const pool = (app.running.dataSource.driver as unknown as { master: Pool }).master;
    await bookingFeedSettled(app, pool);
    let statements = 0;
    const counted = () => (statements += 1);
    pool.on('acquire', counted);
    try {
      const calls = Array.from({ length: 5 }, () => ({ CallSid: sid('CA'), From: '+12125550124', To: salon.phoneNumbers[0]!, CallStatus: 'ringing' }));
      for (const call of calls) assert.equal((await signedPost(app, '/twilio/voice', call)).status, 200);
      // The ledger look-up ahead of the statement made it 10; a background sample may add one.
      assert.ok(statements >= 5 && statements <= 6, `${statements} statements for 5 calls`);
      const first = await (await signedPost(app, '/twilio/voice', { ...calls[0]!, From: '+12125550124' })).text();
      const retried = await (await signedPost(app, '/twilio/voice', calls[0]!)).text();
      assert.equal(retried, first);
    } finally {
      pool.off('acquire', counted);
    }
    const [{ n }] = await app.db.dataSource.query(`SELECT count(*)::int AS n FROM calls WHERE from_number = '+12125550124'`);
    assert.equal(n, 5);
  });

  it('speaks the recording notice first and uses the business locale', async () => {
    const response = await signedPost(app, '/twilio/voice', {
      CallSid: sid('CA'),
      From: '+447700900123',
      To: dental.phoneNumbers[0]!,
    });
    const twiml = await response.text();
    assert.ok(dental.recordingNotice, 'the dental example has a recording notice');
    const notice = twiml.indexOf(escapeXml(dental.recordingNotice));
    const greeting = twiml.indexOf(escapeXml(dental.greeting));
    assert.ok(notice >= 0 && greeting > notice, 'notice before greeting');
    assert.match(twiml, new RegExp(`language="${dental.locale}"`));
  });

  it('tells a caller to an unknown number that it is not in service, and records no call', async () => {
    const before = await rowCounts(app);
    const response = await signedPost(app, '/twilio/voice', { CallSid: sid('CA'), From: '+12125550123', To: '+12125559999' });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /not in service.*<Hangup\/>/);
    const after = await rowCounts(app);
    assert.equal(after.calls, before.calls);
  });

  it('accepts softphone callers (client: identities) without creating a customer', async () => {
    const response = await signedPost(app, '/twilio/voice', { CallSid: sid('CA'), From: 'client:owner', To: salon.phoneNumbers[0]! });
    assert.equal(response.status, 200);
  });

  it('answers 400 with the reason when a signed request lacks CallSid', async () => {
    const response = await signedPost(app, '/twilio/voice', { From: '+12125550123', To: salon.phoneNumbers[0]! });
    assert.equal(response.status, 400);
    const body = await jsonBody(response);
    assert.equal(body.error.code, 'invalid_parameters');
    assert.match(body.error.message, /CallSid/);
  });

  it('answers 413 for a body over 64 KB', async () => {
    const response = await signedPost(app, '/twilio/voice', {
      CallSid: sid('CA'),
      To: salon.phoneNumbers[0]!,
      Padding: 'x'.repeat(70 * 1024),
    });
    assert.equal(response.status, 413);
    assert.equal((await jsonBody(response)).error.code, 'payload_too_large');
  });

  it('answers 415 for a body that is not form-encoded', async () => {
    const response = await fetch(`${app.url}/twilio/voice`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twilio-signature': 'x' },
      body: '{"CallSid":',
    });
    assert.equal(response.status, 415);
  });

  it('answers 404 in the error format for unknown routes', async () => {
    const response = await fetch(`${app.url}/nope`);
    assert.equal(response.status, 404);
    assert.equal((await jsonBody(response)).error.code, 'not_found');
  });
});

/**
 * Once the scheduler's bookings feed is listening, it reads every business's blocked times into
 * memory, in the background on the app's pool. After a slow start that read can still be under
 * way when a test counts the pool's statements; this waits until the feed listens and the read is
 * over.
 */
async function bookingFeedSettled(app: TestFrontdesk, pool: Pool): Promise<void> {
  const deadline = Date.now() + 10_000;
  const listening = async () =>
    (
      await app.db.dataSource.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'frontdesk-booking-changes' AND query ILIKE 'LISTEN%'`,
      )
    ).length > 0;
  while (!(await listening())) {
    if (Date.now() > deadline) throw new Error('the bookings feed did not start listening within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // The read starts a few milliseconds after listening; then the pool goes idle again.
  await new Promise((resolve) => setTimeout(resolve, 50));
  while (pool.idleCount < pool.totalCount || pool.waitingCount > 0) await new Promise((resolve) => setTimeout(resolve, 10));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
