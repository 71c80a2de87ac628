import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { exampleBusinesses } from '../support/businesses.js';
import { jsonBody, startTestFrontdesk, type TestFrontdesk } from '../support/frontdesk.js';
import { ADMIN_PASSWORD, AdminClient, salon, simulateBookingCall, startAdminFrontdesk, type SimulatedCall } from './admin-support.js';

const { dental } = exampleBusinesses();

describe('admin over HTTP', () => {
  describe('without ADMIN_PASSWORD', () => {
    let app: TestFrontdesk;
    before(async () => {
      app = await startTestFrontdesk();
    });
    after(async () => app.close());

    it('answers every admin page with how to enable it, and the API with 503', async () => {
      for (const path of ['/admin', '/admin/login', '/admin/calls']) {
        const response = await fetch(`${app.url}${path}`, { redirect: 'manual' });
        assert.equal(response.status, 503, path);
        assert.match(await response.text(), /Set <code>ADMIN_PASSWORD<\/code>/);
      }
      const api = await fetch(`${app.url}/admin/api/stats`);
      assert.equal(api.status, 503);
      assert.equal((await jsonBody(api)).error.code, 'admin_disabled');
    });
  });

  describe('with ADMIN_PASSWORD', () => {
    let app: TestFrontdesk;
    let call: SimulatedCall;
    before(async () => {
      app = await startAdminFrontdesk();
      call = await simulateBookingCall(app, "hi <b>I'd</b> like a haircut tomorrow at three pm");
    });
    after(async () => app.close());

    it('sends a visitor without a session to the login form, and refuses the API with 401', async () => {
      const page = await fetch(`${app.url}/admin/calls?limit=5`, { redirect: 'manual' });
      assert.equal(page.status, 303);
      assert.equal(page.headers.get('location'), '/admin/login?next=%2Fadmin%2Fcalls%3Flimit%3D5');
      const api = await fetch(`${app.url}/admin/api/calls/${call.callId}`);
      assert.equal(api.status, 401);
      assert.equal((await jsonBody(api)).error.code, 'unauthorized');
    });

    it('refuses a login POST without the form token, even with the right password', async () => {
      const client = new AdminClient(app);
      const response = await client.postForm('/admin/login', { password: ADMIN_PASSWORD });
      assert.equal(response.status, 403);
      assert.equal(client.cookies.has('frontdesk_admin'), false);
    });

    it('logs in with an httpOnly, SameSite=Strict cookie (not Secure over http) and sends security headers', async () => {
      const client = new AdminClient(app);
      const response = await client.login();
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), '/admin');
      const cookie = response.headers.getSetCookie().find((line) => line.startsWith('frontdesk_admin='));
      assert.ok(cookie);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Strict/);
      assert.match(cookie, /Path=\/admin/);
      assert.doesNotMatch(cookie, /Secure/);
      const page = await client.request('/admin');
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    });

    it('reports the call and its booking in the stats API', async () => {
      const client = new AdminClient(app);
      await client.login();
      const response = await client.request(`/admin/api/stats?business=${salon.id}&from=${call.day}&to=${call.day}`);
      assert.equal(response.status, 200);
      const [stats] = (await jsonBody(response)).businesses;
      assert.equal(stats.calls, 1);
      assert.equal(stats.answered, 1);
      assert.equal(stats.booked, 1);
      assert.equal(stats.conversion, 1);
      assert.equal(stats.bookingsMade, 1);
      assert.equal(stats.averageCallSeconds, 42);
      assert.equal(stats.voiceToVoiceMs, null);
      assert.equal(stats.bucket, 'hour');
      assert.equal(stats.series.length >= 23, true);
      assert.equal(stats.series.reduce((sum: number, bucket: { calls: number }) => sum + bucket.calls, 0), 1);
    });

    it('answers the call detail API with the turns in order', async () => {
      const client = new AdminClient(app);
      await client.login();
      const body = await jsonBody(await client.request(`/admin/api/calls/${call.callId}`));
      assert.equal(body.callSid, call.callSid);
      assert.deepEqual(body.turns.map((turn: { speaker: string }) => turn.speaker), ['caller', 'agent', 'caller', 'agent']);
      assert.match(body.turns[3].text, /You're booked for tomorrow at 3 pm/);
    });

    it('escapes what callers said and masks numbers in lists', async () => {
      const client = new AdminClient(app);
      await client.login();
      const detail = await (await client.request(`/admin/calls/${call.callId}`)).text();
      assert.match(detail, /hi &lt;b&gt;I&#39;d&lt;\/b&gt; like a haircut/);
      assert.doesNotMatch(detail, /<b>I'd/);
      assert.ok(detail.includes(call.from), 'the detail page shows the full number');
      const list = await (await client.request(`/admin/calls?business=${salon.id}`)).text();
      assert.ok(list.includes(`***${call.from.slice(-4)}`));
      assert.ok(!list.includes(call.from), 'a list never shows a full number');
      const bookings = await (await client.request(`/admin/bookings?business=${salon.id}`)).text();
      assert.ok(bookings.includes(`***${call.from.slice(-4)}`));
      assert.ok(!bookings.includes(call.from));
    });

    it('reads voice-to-voice p50/p95 and barge-ins from the timings of stream-mode turns', async () => {
      // Stream-mode calls record per-turn timings; written here directly as that path would.
      const [row] = await app.db.dataSource.query(
        `INSERT INTO calls (call_sid, business_id, from_number, to_number, status, outcome, media_mode, turn_count)
         VALUES ($1, $2, '+442079460999', $3, 'completed', 'completed', 'stream', 6) RETURNING id, started_at`,
        [`CA${'f'.repeat(32)}`, dental.id, dental.phoneNumbers[0]],
      );
      for (const [seq, ms] of [300, 500, 700, 900, 1100].entries()) {
        await app.db.dataSource.query(
          `INSERT INTO call_turns (call_id, seq, speaker, text, heard_text, interrupted, timings) VALUES ($1, $2, 'agent', $3, $4, $5, $6)`,
          [row.id, seq + 1, 'We have a slot at <10 am>', seq === 4 ? 'We have a' : null, seq === 4, JSON.stringify({ voice_to_voice: ms, understanding: 40 })],
        );
      }
      const day = DateTime.fromJSDate(new Date(row.started_at), { zone: dental.timeZone }).toISODate();
      const client = new AdminClient(app);
      await client.login();
      const [stats] = (await jsonBody(await client.request(`/admin/api/stats?business=${dental.id}&from=${day}`))).businesses;
      assert.deepEqual(stats.voiceToVoiceMs, { p50: 700, p95: 1060, turns: 5 });
      assert.equal(stats.bargeIns, 1);
      const detail = await (await client.request(`/admin/calls/${row.id}`)).text();
      assert.match(detail, /the caller heard: “We have a”/);
      assert.match(detail, /voice_to_voice: 1100 ms/);
      assert.match(detail, /slot at &lt;10 am&gt;/);
    });

    it('answers bad parameters with 400 and a message naming the parameter', async () => {
      const client = new AdminClient(app);
      await client.login();
      const cases: [string, RegExp][] = [
        ['/admin/api/stats?from=yesterday', /^from: expected a date as YYYY-MM-DD$/],
        ['/admin/api/stats?from=2026-02-30', /^from: 2026-02-30 is not a calendar date$/],
        ['/admin/api/stats?from=2026-12-07&to=2026-12-01', /^to: must be on or after from$/],
        ['/admin/api/stats?from=2026-01-01&to=2026-12-31', /^to: a range is at most 92 days/],
        ['/admin/api/stats?business=nope', /^business: no business "nope"/],
        ['/admin/api/stats?colour=red', /unknown parameter colour/],
        ['/admin/api/calls/not-a-uuid', /^id: expected a UUID$/],
      ];
      for (const [path, message] of cases) {
        const response = await client.request(path);
        assert.equal(response.status, 400, path);
        const body = await jsonBody(response);
        assert.equal(body.error.code, 'invalid_parameters');
        assert.match(body.error.message, message, path);
      }
      const page = await client.request('/admin/bookings?when=soon');
      assert.equal(page.status, 400);
      assert.match(await page.text(), /when: /);
      assert.equal((await client.request(`/admin/api/calls/${randomUUID()}`)).status, 404);
    });

    it('refuses a cancel without the session CSRF token and leaves the booking alone', async () => {
      const client = new AdminClient(app);
      await client.login();
      for (const fields of [{}, { csrf: 'forged' }] as Record<string, string>[]) {
        const response = await client.postForm(`/admin/bookings/${call.bookingId}/cancel`, fields);
        assert.equal(response.status, 403);
      }
      const [booking] = await app.db.dataSource.query(`SELECT status FROM bookings WHERE id = $1`, [call.bookingId]);
      assert.equal(booking.status, 'confirmed');
      const unknown = await client.postForm(`/admin/bookings/${randomUUID()}/cancel`, { csrf: await client.csrfToken() });
      assert.equal(unknown.status, 404);
    });

    it('logs out only with the CSRF token, and the old cookie stops working', async () => {
      const client = new AdminClient(app);
      await client.login();
      const session = client.cookies.get('frontdesk_admin')!;
      assert.equal((await client.postForm('/admin/logout', {})).status, 403);
      const out = await client.postForm('/admin/logout', { csrf: await client.csrfToken() });
      assert.equal(out.status, 303);
      assert.equal(client.cookies.has('frontdesk_admin'), false);
      const replayed = await fetch(`${app.url}/admin/api/stats`, { headers: { cookie: `frontdesk_admin=${session}` } });
      assert.equal(replayed.status, 401);
    });

    it('ignores a forged session cookie', async () => {
      const forged = `v1.${Date.now() + 3_600_000}.nonce.${'A'.repeat(43)}`;
      const response = await fetch(`${app.url}/admin/api/stats`, { headers: { cookie: `frontdesk_admin=${forged}` } });
      assert.equal(response.status, 401);
    });

    it('does not redirect after login to anywhere but the admin', async () => {
      const client = new AdminClient(app);
      const form = await (await client.request('/admin/login')).text();
      const csrf = /name="csrf" value="([^"]*)"/.exec(form)![1]!;
      const response = await client.postForm('/admin/login', { csrf, next: '//evil.example/admin', password: ADMIN_PASSWORD });
      assert.equal(response.headers.get('location'), '/admin');
    });

    // Last: it uses up this address's login budget.
    it('refuses wrong passwords, then rate-limits the address even with the right one', async () => {
      const client = new AdminClient(app);
      for (let i = 0; i < 5; i += 1) {
        const response = await client.login('wrong password');
        assert.equal(response.status, 401);
        assert.match(await response.text(), /Wrong password\./);
      }
      const limited = await client.login();
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.match(await limited.text(), /Too many failed attempts/);
      assert.equal(client.cookies.has('frontdesk_admin'), false);
    });
  });

  it('marks the session cookie Secure when PUBLIC_URL is https', async () => {
    const app = await startTestFrontdesk({ ADMIN_PASSWORD, PUBLIC_URL: 'https://frontdesk.example' });
    try {
      const response = await new AdminClient(app).login();
      const cookie = response.headers.getSetCookie().find((line) => line.startsWith('frontdesk_admin='));
      assert.match(cookie ?? '', /; Secure/);
    } finally {
      await app.close();
    }
  });
});
