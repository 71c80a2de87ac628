import assert from 'node:assert/strict';
import { TwilioMediaClient, UpgradeRefused } from '../fakes/twilio-media.js';
import { jsonBody, startTestFrontdesk, type TestFrontdesk } from '../support/frontdesk.js';
import { ADMIN_PASSWORD, AdminClient, salon } from './admin-support.js';
import { startSoftphoneRig, type SoftphoneRig } from './softphone-support.js';

interface Placed {
  callSid: string;
  callToken: string;
  upgradeToken: string;
  upgradeTokenTtlMs: number;
}

async function signedIn(app: TestFrontdesk): Promise<{ admin: AdminClient; csrf: string }> {
  const admin = new AdminClient(app);
  assert.equal((await admin.login()).status, 303);
  return { admin, csrf: await admin.csrfToken() };
}

async function place(app: TestFrontdesk): Promise<Placed> {
  const { admin, csrf } = await signedIn(app);
  const response = await admin.postForm('/admin/api/softphone/calls', { csrf, business: salon.id });
  assert.equal(response.status, 201, await response.clone().text());
  return (await response.json()) as Placed;
}

function connect(app: TestFrontdesk, query: string, options: { callSid?: string; signature?: string | null } = {}): Promise<TwilioMediaClient> {
  return TwilioMediaClient.connect({
    url: `${app.url.replace(/^http/, 'ws')}/media-streams${query}`,
    signedUrl: `${app.publicUrl.replace(/^http/, 'ws')}/media-streams${query}`,
    authToken: app.authToken,
    signature: options.signature === undefined ? null : options.signature,
    ...(options.callSid ? { callSid: options.callSid } : {}),
  });
}

async function refusedWith(connecting: Promise<TwilioMediaClient>): Promise<number> {
  try {
    const client = await connecting;
    client.close();
  } catch (error) {
    if (error instanceof UpgradeRefused) return error.statusCode;
    throw error;
  }
  assert.fail('the upgrade was accepted');
}

describe('admin softphone over HTTP', () => {
  describe('with stream mode (fake Deepgram and ElevenLabs)', () => {
    let rig: SoftphoneRig;
    before(async () => {
      rig = await startSoftphoneRig();
    });
    after(async () => rig?.close());

    it('needs a session for the page, and lets only that page run scripts, from our origin', async () => {
      const anonymous = await fetch(`${rig.app.url}/admin/softphone`, { redirect: 'manual' });
      assert.equal(anonymous.status, 303);
      assert.equal(anonymous.headers.get('location'), '/admin/login?next=%2Fadmin%2Fsoftphone');

      const { admin } = await signedIn(rig.app);
      const page = await admin.request('/admin/softphone');
      assert.equal(page.status, 200);
      const csp = page.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self';/);
      assert.match(csp, /connect-src 'self';/);
      assert.doesNotMatch(csp, /unsafe-inline|https:/);
      const body = await page.text();
      assert.match(body, /<script type="module" src="\/admin\/softphone\/assets\/softphone.js"><\/script>/);
      assert.doesNotMatch(body, /twilio-voice-sdk\.js|id="call-twilio"/, 'no Voice SDK without its keys');
      assert.match(body, /<button type="button" id="call-local" >Call<\/button>/);

      const other = await admin.request('/admin/health');
      assert.doesNotMatch(other.headers.get('content-security-policy') ?? '', /script-src/);
      const script = await fetch(`${rig.app.url}/admin/softphone/assets/softphone.js`);
      assert.equal(script.status, 200);
      assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
      assert.equal((await fetch(`${rig.app.url}/admin/softphone/assets/..%2Fsoftphone-line.ts`)).status, 404);
    });

    it('places a call only with a session and its CSRF token, and stores it like an inbound stream call', async () => {
      const anonymous = await fetch(`${rig.app.url}/admin/api/softphone/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ business: salon.id }),
      });
      assert.equal(anonymous.status, 401);

      const { admin, csrf } = await signedIn(rig.app);
      const noCsrf = await admin.postForm('/admin/api/softphone/calls', { business: salon.id });
      assert.equal(noCsrf.status, 403);
      assert.equal((await jsonBody(noCsrf)).error.code, 'invalid_csrf');
      const wrongCsrf = await admin.postForm('/admin/api/softphone/calls', { csrf: `${csrf}x`, business: salon.id });
      assert.equal(wrongCsrf.status, 403);
      const extraField = await admin.postForm('/admin/api/softphone/calls', { csrf, business: salon.id, from: '+15550000000' });
      assert.equal(extraField.status, 400);
      const unknownBusiness = await admin.postForm('/admin/api/softphone/calls', { csrf, business: 'nobody' });
      assert.equal(unknownBusiness.status, 400);
      assert.equal((await rig.app.db.dataSource.query(`SELECT count(*)::int AS n FROM calls`))[0].n, 0, 'refused requests place no call');

      const response = await admin.postForm('/admin/api/softphone/calls', { csrf, business: salon.id });
      assert.equal(response.status, 201);
      const placed = (await response.json()) as Placed;
      assert.match(placed.callSid, /^CA[0-9a-f]{32}$/);
      assert.ok(placed.upgradeToken.length >= 32 && placed.callToken.length >= 20);
      assert.equal(placed.upgradeTokenTtlMs, 30_000);
      const [row] = await rig.app.db.dataSource.query(
        `SELECT business_id, from_number, to_number, direction, status, media_mode, stream_token FROM calls WHERE call_sid = $1`,
        [placed.callSid],
      );
      assert.deepEqual(row, {
        business_id: salon.id,
        from_number: 'client:softphone',
        to_number: salon.phoneNumbers[0],
        direction: 'inbound',
        status: 'in-progress',
        media_mode: 'stream',
        stream_token: placed.callToken,
      });
    });

    it('refuses an unsigned upgrade without a valid softphone token with 403', async () => {
      assert.equal(await refusedWith(connect(rig.app, '')), 403);
      assert.equal(await refusedWith(connect(rig.app, '?softphone=')), 403);
      assert.equal(await refusedWith(connect(rig.app, '?softphone=made-up-token')), 403);
      const placed = await place(rig.app);
      // A signature header, even a wrong one, means Twilio's check alone applies.
      assert.equal(await refusedWith(connect(rig.app, `?softphone=${placed.upgradeToken}`, { signature: 'bm90IGEgc2lnbmF0dXJl' })), 403);
    });

    it('streams a call through a one-time upgrade token: greeting out, caller audio in, completed on stop', async () => {
      const placed = await place(rig.app);
      const client = await connect(rig.app, `?softphone=${placed.upgradeToken}`, { callSid: placed.callSid });
      assert.equal(await refusedWith(connect(rig.app, `?softphone=${placed.upgradeToken}`)), 403, 'the token opens one websocket');

      client.start({ callToken: placed.callToken });
      await client.waitFor((outbound) => outbound.filter((record) => record.event === 'media').length >= 25, 10_000);
      assert.ok(client.mediaFrames.every((frame) => frame.length === 160), 'whole 160-byte frames');
      client.sendAudio(Buffer.alloc(160 * 10, 0xff));
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.ok((rig.deepgram.connections.at(-1)?.audioBytes ?? 0) >= 1600, 'the caller audio reached speech-to-text');

      client.sendStop();
      await client.closed;
      const deadline = Date.now() + 5000;
      let row: { status: string; stream_token: string | null; duration_seconds?: number } | undefined;
      while (Date.now() < deadline) {
        [row] = await rig.app.db.dataSource.query(`SELECT status, stream_token FROM calls WHERE call_sid = $1`, [placed.callSid]);
        if (row?.status === 'completed') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(row?.status, 'completed', 'the end of the stream completes the call (no Twilio status callback will)');
      assert.equal(row?.stream_token, null, 'the per-call token was used up on start');
    });

    it('transfers a softphone call by ending its stream, not by a Twilio REST update', async () => {
      const placed = await place(rig.app);
      const client = await connect(rig.app, `?softphone=${placed.upgradeToken}`, { callSid: placed.callSid });
      client.start({ callToken: placed.callToken });
      await client.waitFor((outbound) => outbound.some((record) => record.event === 'media'), 10_000);
      client.sendDtmf('0');
      const closed = await client.closed;
      assert.equal(closed.code, 1000);
      assert.deepEqual(rig.twilio.requests.filter((request) => request.path.includes(placed.callSid)), []);
      const [row] = await rig.app.db.dataSource.query(`SELECT outcome, dialog_state->>'streamEnd' AS stream_end FROM calls WHERE call_sid = $1`, [placed.callSid]);
      assert.deepEqual(row, { outcome: 'transferred', stream_end: 'transfer' });
    });

    it('closes a stream whose start carries a wrong call token', async () => {
      const placed = await place(rig.app);
      const client = await connect(rig.app, `?softphone=${placed.upgradeToken}`, { callSid: placed.callSid });
      client.start({ callToken: 'not-the-token' });
      const closed = await client.closed;
      assert.equal(closed.code, 1008);
      assert.equal(client.mediaFrames.length, 0);
    });

    it('answers the Voice SDK token route with 404 and what to set when its keys are absent', async () => {
      assert.equal((await fetch(`${rig.app.url}/admin/softphone/token`)).status, 401);
      const { admin } = await signedIn(rig.app);
      const response = await admin.request('/admin/softphone/token');
      assert.equal(response.status, 404);
      assert.match((await jsonBody(response)).error.message, /TWILIO_API_KEY, TWILIO_API_SECRET and TWILIO_TWIML_APP_SID/);
    });
  });

  describe('without DEEPGRAM_API_KEY, with the Voice SDK keys', () => {
    let app: TestFrontdesk;
    const keys = {
      TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'an auth token',
      TWILIO_API_KEY: `SK${'2'.repeat(32)}`,
      TWILIO_API_SECRET: 'an api secret',
      TWILIO_TWIML_APP_SID: `AP${'3'.repeat(32)}`,
    };
    before(async () => {
      app = await startTestFrontdesk({ ADMIN_PASSWORD, ...keys });
    });
    after(async () => app?.close());

    it('says how to enable the local phone instead of failing, and offers the Twilio call', async () => {
      const { admin, csrf } = await signedIn(app);
      const page = await admin.request('/admin/softphone');
      const body = await page.text();
      assert.match(body, /data-local-unavailable>Without DEEPGRAM_API_KEY .*Set DEEPGRAM_API_KEY/);
      assert.match(body, /id="call-local" disabled/);
      assert.match(body, /id="call-twilio"/);
      assert.match(body, /<script src="\/admin\/softphone\/assets\/twilio-voice-sdk.js"><\/script>/);
      assert.match(page.headers.get('content-security-policy') ?? '', /connect-src 'self' https:\/\/\*\.twilio\.com wss:\/\/\*\.twilio\.com;/);

      const refused = await admin.postForm('/admin/api/softphone/calls', { csrf, business: salon.id });
      assert.equal(refused.status, 503);
      assert.equal((await jsonBody(refused)).error.code, 'stream_mode_unavailable');
      assert.equal((await app.db.dataSource.query(`SELECT count(*)::int AS n FROM calls`))[0].n, 0);

      const sdk = await fetch(`${app.url}/admin/softphone/assets/twilio-voice-sdk.js`);
      assert.equal(sdk.status, 200);
      assert.match((await sdk.text()).slice(0, 400_000), /RELEASE_VERSION="2\.\d+\.\d+"/, 'the Voice SDK browser bundle');
    });

    it('mints a Voice SDK access token for a signed-in admin', async () => {
      const { admin } = await signedIn(app);
      const response = await admin.request('/admin/softphone/token');
      assert.equal(response.status, 200);
      const { token, identity } = (await response.json()) as { token: string; identity: string };
      assert.equal(identity, 'softphone');
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; grants: { voice: unknown } };
      assert.equal(claims.sub, keys.TWILIO_ACCOUNT_SID);
      assert.deepEqual(claims.grants.voice, { outgoing: { application_sid: keys.TWILIO_TWIML_APP_SID } });
    });
  });
});
