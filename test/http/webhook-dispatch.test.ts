import assert from 'node:assert/strict';
import twilio from 'twilio';
import { exampleBusinesses } from '../support/businesses.js';
import { jsonBody, sid, signedPost, startTestFrontdesk, type TestFrontdesk } from '../support/frontdesk.js';

/** Webhooks are dispatched ahead of Express's router; they must answer as they did through it. */
describe('webhook dispatch ahead of the router', () => {
  let app: TestFrontdesk;
  const { salon } = exampleBusinesses();
  const call = () => ({ CallSid: sid('CA'), From: '+12125550123', To: salon.phoneNumbers[0]!, CallStatus: 'ringing', Direction: 'inbound' });

  before(async () => {
    app = await startTestFrontdesk();
  });
  after(async () => app.close());

  it("logs the request like any other: a fresh X-Request-Id, or the caller's well-formed one", async () => {
    const fresh = await signedPost(app, '/twilio/voice', call());
    assert.equal(fresh.status, 200);
    assert.match(fresh.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(fresh.headers.get('x-powered-by'), null);

    const params = call();
    const response = await fetch(`${app.url}/twilio/voice`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-request-id': 'trace-123',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(app.authToken, `${app.publicUrl}/twilio/voice`, params),
      },
      body: new URLSearchParams(params),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-request-id'), 'trace-123');
  });

  it('takes the path whatever its case, with one trailing slash, and signs what was requested', async () => {
    for (const path of ['/twilio/voice/', '/Twilio/Voice', '/twilio/voice?source=test']) {
      const response = await signedPost(app, path, call());
      assert.equal(response.status, 200, path);
      assert.match(await response.text(), /<Gather /, path);
    }
  });

  it('answers errors in the error format, and other methods and paths through the app', async () => {
    const refused = await signedPost(app, '/twilio/voice', call(), { signature: 'AAAA' });
    assert.equal(refused.status, 403);
    assert.equal((await jsonBody(refused)).error.code, 'invalid_signature');

    const get = await fetch(`${app.url}/twilio/voice`);
    assert.equal(get.status, 404);
    assert.equal((await jsonBody(get)).error.code, 'not_found');

    assert.equal((await fetch(`${app.url}/health`)).status, 200);
  });
});
