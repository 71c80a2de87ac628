import assert from 'node:assert/strict';
import { exampleBusinesses } from '../support/businesses.js';
import { sid, signedPost, startTestFrontdesk, type TestFrontdesk } from '../support/frontdesk.js';

describe('webhook idempotency ledger', () => {
  let app: TestFrontdesk;
  const { salon } = exampleBusinesses();

  before(async () => {
    app = await startTestFrontdesk();
  });
  after(async () => app.close());

  async function count(sql: string, params: unknown[]): Promise<number> {
    const [row] = await app.db.dataSource.query(sql, params);
    return row.n;
  }

  it('answers a replay with the identical bytes and changes nothing', async () => {
    const params = { CallSid: sid('CA'), From: '+12125550199', To: salon.phoneNumbers[0]!, CallStatus: 'ringing' };
    const first = await signedPost(app, '/twilio/voice', params);
    const firstBody = await first.text();
    const replayed = await signedPost(app, '/twilio/voice', params);
    assert.equal(replayed.status, first.status);
    assert.equal(replayed.headers.get('content-type'), first.headers.get('content-type'));
    assert.equal(await replayed.text(), firstBody);
    assert.equal(await count('SELECT count(*)::int AS n FROM calls WHERE call_sid = $1', [params.CallSid]), 1);
    const metrics = await app.running.metrics.registry.getSingleMetricAsString('frontdesk_webhook_replays_total');
    assert.match(metrics, /frontdesk_webhook_replays_total\{route="\/twilio\/voice"\} 1/);
  });

  it('turns 50 concurrent copies into one call row, one ledger row and 50 identical answers', async () => {
    const params = { CallSid: sid('CA'), From: '+12125550177', To: salon.phoneNumbers[0]!, CallStatus: 'ringing' };
    const responses = await Promise.all(Array.from({ length: 50 }, () => signedPost(app, '/twilio/voice', params)));
    const bodies = await Promise.all(responses.map((response) => response.text()));
    assert.deepEqual(new Set(responses.map((response) => response.status)), new Set([200]));
    assert.equal(new Set(bodies).size, 1);
    assert.equal(await count('SELECT count(*)::int AS n FROM calls WHERE call_sid = $1', [params.CallSid]), 1);
    assert.equal(
      await count(`SELECT count(*)::int AS n FROM webhook_events WHERE event_id = $1`, [`voice:${params.CallSid}`]),
      1,
    );
  });

  it('moves a call status only forward, whatever order callbacks arrive in', async () => {
    const callSid = sid('CA');
    await signedPost(app, '/twilio/voice', { CallSid: callSid, From: '+12125550166', To: salon.phoneNumbers[0]! });
    const status = (CallStatus: string, extra: Record<string, string> = {}) =>
      signedPost(app, '/twilio/voice/status', { CallSid: callSid, CallStatus, ...extra });

    assert.equal((await status('completed', { CallDuration: '42' })).status, 204);
    assert.equal((await status('in-progress')).status, 204);
    assert.equal((await status('completed', { CallDuration: '42' })).status, 204);
    const [row] = await app.db.dataSource.query(
      'SELECT status, outcome, duration_seconds, ended_at FROM calls WHERE call_sid = $1',
      [callSid],
    );
    assert.equal(row.status, 'completed');
    assert.equal(row.outcome, 'completed');
    assert.equal(row.duration_seconds, 42);
    assert.ok(row.ended_at);
    const metrics = await app.running.metrics.registry.getSingleMetricAsString('frontdesk_calls_total');
    assert.match(metrics, /frontdesk_calls_total\{outcome="completed"\} 1/);
  });
});
