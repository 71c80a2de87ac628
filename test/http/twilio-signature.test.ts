import assert from 'node:assert/strict';
import { exampleBusinesses } from '../support/businesses.js';
import { rowCounts, sid, signedPost, startTestFrontdesk, type TestFrontdesk, jsonBody } from '../support/frontdesk.js';

describe('Twilio signature verification', () => {
  let app: TestFrontdesk;
  const { salon } = exampleBusinesses();
  const call = () => ({ CallSid: sid('CA'), From: '+12125550199', To: salon.phoneNumbers[0]!, CallStatus: 'ringing' });

  before(async () => {
    app = await startTestFrontdesk();
  });
  after(async () => app.close());

  it('accepts a correctly signed voice webhook', async () => {
    const response = await signedPost(app, '/twilio/voice', call());
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<Response>/);
  });

  const tampered: [string, (params: Record<string, string>) => Parameters<typeof signedPost>[3]][] = [
    ['a changed parameter', (params) => ({ sentParams: { ...params, From: '+12125550198' } })],
    ['an added parameter', (params) => ({ sentParams: { ...params, Extra: '1' } })],
    ['a different URL', (params) => ({ signedUrl: `${app.publicUrl}/twilio/voice?x=1`, sentParams: params })],
    ['another host', () => ({ signedUrl: 'https://attacker.example/twilio/voice' })],
    ['the wrong token', () => ({ token: 'not-the-token' })],
    ['a missing header', () => ({ signature: null })],
    ['a garbage header', () => ({ signature: 'AAAA' })],
  ];

  for (const [what, tamper] of tampered) {
    it(`refuses ${what} with 403 and writes nothing`, async () => {
      const before = await rowCounts(app);
      const params = call();
      const response = await signedPost(app, '/twilio/voice', params, tamper(params));
      assert.equal(response.status, 403);
      const body = await jsonBody(response);
      assert.equal(body.error.code, 'invalid_signature');
      assert.deepEqual(await rowCounts(app), before);
    });
  }

  it('refuses a tampered status callback too', async () => {
    const before = await rowCounts(app);
    const params = { CallSid: sid('CA'), CallStatus: 'completed' };
    const response = await signedPost(app, '/twilio/voice/status', params, { token: 'wrong' });
    assert.equal(response.status, 403);
    assert.deepEqual(await rowCounts(app), before);
  });
});
