import assert from 'node:assert/strict';
import { SESSION_COOKIE } from '../../src/admin/admin-auth.js';
import { SESSION_TTL_MS, SessionKeeper } from '../../src/admin/session.js';
import { exampleBusinesses } from '../support/businesses.js';
import { rowCounts, sid, signedPost } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';
import { report, startFaultFrontdesk, type FaultFrontdesk } from './support.js';

const ADMIN_PASSWORD = 'fault suite admin password';
const METRICS_TOKEN = 'fault-suite-metrics-token';
const PINNED_NOW = new Date('2026-12-07T14:00:00Z');
const { salon, dental } = exampleBusinesses();

/** A fetch client holding cookies like a browser, without following redirects. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: FaultFrontdesk) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(`${this.app.url}${path}`, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const value = pair!.slice(at + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(pair!.slice(0, at));
      else this.cookies.set(pair!.slice(0, at), value);
    }
    return response;
  }

  post(path: string, fields: Record<string, string>): Promise<Response> {
    return this.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  }

  async login(): Promise<void> {
    const form = await (await this.request('/admin/login')).text();
    const response = await this.post('/admin/login', { csrf: hidden(form, 'csrf'), next: '/admin', password: ADMIN_PASSWORD });
    assert.equal(response.status, 303, 'login');
  }

  async csrf(): Promise<string> {
    return hidden(await (await this.request('/admin/health')).text(), 'csrf');
  }

}

function hidden(page: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  assert.ok(match, `no hidden field ${name}`);
  return match[1]!;
}

describe('faults #14: admin and /metrics without valid auth', () => {
  let app: FaultFrontdesk;
  before(async () => {
    app = await startFaultFrontdesk({ logLevel: 'error', env: { ADMIN_PASSWORD, METRICS_TOKEN }, start: { now: () => PINNED_NOW } });
  });
  after(async () => app.close());

  /** A call that books through the signed webhooks, so there is a booking to attack. */
  async function bookingByCall(): Promise<{ bookingId: string; callId: string }> {
    const callSid = sid('CA');
    const from = nextPhone();
    const post = (path: string, params: Record<string, string>) => signedPost(app, path, { CallSid: callSid, To: salon.phoneNumbers[0]!, From: from, ...params });
    await post('/twilio/voice', {});
    await post('/twilio/voice/gather?turn=1', { SpeechResult: "hi I'd like a haircut tomorrow at three pm" });
    await post('/twilio/voice/gather?turn=2', { SpeechResult: 'yes please' });
    const [row] = await app.db.dataSource.query(
      `SELECT b.id AS booking_id, (SELECT id FROM calls WHERE call_sid = $2) AS call_id FROM bookings b JOIN customers c ON c.id = b.customer_id WHERE c.phone = $1`,
      [from, callSid],
    );
    assert.ok(row, 'the call should have booked');
    return { bookingId: row.booking_id, callId: row.call_id };
  }

  it('refuses every unauthenticated, stale, cross-business or over-filled request and changes nothing', async () => {
    const { bookingId, callId } = await bookingByCall();
    const owner = new Browser(app);
    await owner.login();
    const csrf = await owner.csrf();
    const sessionName = SESSION_COOKIE;
    const stranger = new Browser(app);

    const stale = new Browser(app);
    stale.cookies.set(sessionName, new SessionKeeper(ADMIN_PASSWORD, () => Date.now() - SESSION_TTL_MS - 60_000).issue().cookie);
    const otherKey = new Browser(app);
    otherKey.cookies.set(sessionName, new SessionKeeper('another password').issue().cookie);
    const forged = new Browser(app);
    forged.cookies.set(sessionName, `${owner.cookies.get(sessionName)!.slice(0, -4)}AAAA`);
    const loggedOut = new Browser(app);
    await loggedOut.login();
    const loggedOutCookie = loggedOut.cookies.get(sessionName)!;
    await loggedOut.post('/admin/logout', { csrf: await loggedOut.csrf() });
    loggedOut.cookies.set(sessionName, loggedOutCookie);

    const cancel = `/admin/bookings/${bookingId}/cancel`;
    const before = await rowCounts(app);
    const [bookingBefore] = await app.db.dataSource.query(`SELECT status, updated_at FROM bookings WHERE id = $1`, [bookingId]);
    const cases: { name: string; expect: number[]; run(): Promise<Response> }[] = [
      { name: '/metrics without a token', expect: [401], run: () => fetch(`${app.url}/metrics`) },
      { name: '/metrics with a wrong token', expect: [401, 403], run: () => fetch(`${app.url}/metrics`, { headers: { authorization: 'Bearer wrong' } }) },
      { name: '/metrics with the token as a query', expect: [401], run: () => fetch(`${app.url}/metrics?token=${METRICS_TOKEN}`) },
      { name: '/metrics with Basic auth', expect: [401], run: () => fetch(`${app.url}/metrics`, { headers: { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}` } }) },
      ...(
        [
          ['no session', stranger],
          ['a stale session', stale],
          ['a session signed with another password', otherKey],
          ['a forged session', forged],
          ['a logged-out session', loggedOut],
        ] as const
      ).flatMap(([who, browser]) => [
        { name: `stats API with ${who}`, expect: [401], run: () => browser.request('/admin/api/stats') },
        { name: `call API with ${who}`, expect: [401], run: () => browser.request(`/admin/api/calls/${callId}`) },
        // A page answers an anonymous visitor with the login form (303), never the data.
        { name: `bookings page with ${who}`, expect: [303], run: () => browser.request('/admin/bookings') },
        { name: `cancel with ${who}`, expect: [401, 403, 303], run: () => browser.post(cancel, { csrf }) },
      ]),
      { name: 'cancel without the CSRF token', expect: [403], run: () => owner.post(cancel, {}) },
      { name: "cancel with another session's CSRF token", expect: [403], run: async () => owner.post(cancel, { csrf: await loggedInCsrf() }) },
      { name: 'cancel with extra fields', expect: [400], run: () => owner.post(cancel, { csrf, status: 'booked', business_id: dental.id }) },
      { name: 'cancel of an id that is not a UUID', expect: [400], run: () => owner.post('/admin/bookings/1%20OR%201=1/cancel', { csrf }) },
      { name: 'cancel of an unknown booking', expect: [404], run: () => owner.post('/admin/bookings/00000000-0000-4000-8000-000000000000/cancel', { csrf }) },
      { name: 'stats of an unknown business', expect: [400], run: () => owner.request('/admin/api/stats?business=not-ours') },
      { name: 'stats with an extra parameter', expect: [400], run: () => owner.request(`/admin/api/stats?business=${salon.id}&admin=1`) },
      { name: 'call API with a non-UUID id', expect: [400], run: () => owner.request("/admin/api/calls/'%3Bdrop%20table%20calls") },
      { name: 'login with extra fields', expect: [400, 403], run: () => stranger.post('/admin/login', { password: ADMIN_PASSWORD, csrf: 'x', admin: 'true' }) },
    ];
    async function loggedInCsrf(): Promise<string> {
      const other = new Browser(app);
      await other.login();
      return other.csrf();
    }

    const wrong: string[] = [];
    const leaked: string[] = [];
    for (const testCase of cases) {
      const response = await testCase.run();
      const body = await response.text();
      if (!testCase.expect.includes(response.status)) wrong.push(`${testCase.name}: ${response.status} (expected ${testCase.expect.join('/')})`);
      if (response.status === 303 && !/^\/admin\/login/.test(response.headers.get('location') ?? '')) wrong.push(`${testCase.name}: redirected to ${response.headers.get('location')}`);
      if (/frontdesk_calls_total|"businesses"|"turns"/.test(body)) leaked.push(testCase.name);
    }
    const after = await rowCounts(app);
    const [bookingAfter] = await app.db.dataSource.query(`SELECT status, updated_at FROM bookings WHERE id = $1`, [bookingId]);
    const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
    const bookingChanged = bookingAfter.status !== bookingBefore.status || +bookingAfter.updated_at !== +bookingBefore.updated_at;

    // The controls: the owner's session and the metrics token do work.
    const metrics = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const stats = await owner.request('/admin/api/stats');

    report(
      14,
      `${cases.length} refused-request cases: wrong answers ${wrong.length}${wrong.length ? ` (${wrong.join('; ')})` : ''}, data leaked ${leaked.length}, ` +
        `tables changed ${changed.length}, booking changed ${bookingChanged ? 1 : 0}; controls /metrics ${metrics.status}, stats ${stats.status}`,
    );
    assert.deepEqual(wrong, []);
    assert.deepEqual(leaked, []);
    assert.deepEqual(changed, []);
    assert.equal(bookingChanged, false);
    assert.equal(metrics.status, 200);
    assert.equal(stats.status, 200);
  });
});
