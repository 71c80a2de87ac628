import assert from 'node:assert/strict';
import twilio from 'twilio';
import { OriginRewritingRequestClient } from '../../src/channels/senders/twilio-request-client.js';
import { newSid, startFakeTwilioRest, type FakeTwilioRest } from './twilio-rest.js';

describe('Twilio REST fake (real SDK)', () => {
  let fake: FakeTwilioRest;
  let client: ReturnType<typeof twilio>;
  beforeEach(async () => {
    fake = await startFakeTwilioRest();
    client = twilio(fake.accountSid, fake.authToken, { httpClient: new OriginRewritingRequestClient(fake.url) });
  });
  afterEach(() => fake.close());

  it('updates a live call with TwiML, hangs it up, then answers 404 for the ended call', async () => {
    const sid = newSid('CA');
    fake.addCall(sid);
    await client.calls(sid).update({ twiml: '<Response><Dial>+12125550100</Dial></Response>' });
    await client.calls(sid).update({ status: 'completed' });
    assert.deepEqual(fake.calls.get(sid)!.twiml, ['<Response><Dial>+12125550100</Dial></Response>']);
    await assert.rejects(client.calls(sid).update({ status: 'completed' }), (error: { status?: number; code?: number }) =>
      error.status === 404 && error.code === 20404);
  });

  it('refuses wrong credentials with 401', async () => {
    const wrong = twilio(fake.accountSid, 'wrong', { httpClient: new OriginRewritingRequestClient(fake.url) });
    await assert.rejects(wrong.messages.create({ to: '+12125550111', from: '+12125550100', body: 'x' }), (error: { status?: number }) =>
      error.status === 401);
    assert.equal(fake.messages.length, 0);
  });

  it('applies scripted latency and errors to the matching requests only', async () => {
    fake.failNext({ on: 'calls', fault: { kind: 'server-error' } });
    await client.messages.create({ to: '+12125550111', from: '+12125550100', body: 'x' });
    fake.latencyMs = 20;
    await client.messages.create({ to: '+12125550111', from: '+12125550100', body: 'y' });
    assert.deepEqual(fake.messages.map((message) => message.body), ['x', 'y']);
    const listed = await client.messages.list({ to: '+12125550111' });
    assert.deepEqual(listed.map((message) => message.body), ['y', 'x']);
  });
});
