import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { exampleBusinesses } from '../support/businesses.js';
import { signedPost, sid, startTestFrontdesk, type TestFrontdesk } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';

export const ADMIN_PASSWORD = 'correct horse battery staple';
/** Monday 09:00 in New York: "tomorrow at three pm" is inside the salon's hours. */
export const PINNED_NOW = new Date('2026-12-07T14:00:00Z');

export const { salon } = exampleBusinesses();

/** A web-role Frontdesk with the admin enabled and the clock pinned. No worker: outbox rows stay pending to be inspected. */
export function startAdminFrontdesk(overrides: Record<string, string> = {}): Promise<TestFrontdesk> {
  return startTestFrontdesk({ ADMIN_PASSWORD, ...overrides }, 'web', { now: () => PINNED_NOW });
}

export interface SimulatedCall {
  callSid: string;
  from: string;
  callId: string;
  bookingId: string;
  /** The salon-local day the call started on (the database's clock, not the pinned one). */
  day: string;
}

/** A speech-mode call that books a haircut in two turns, through the real signed webhooks. */
export async function simulateBookingCall(app: TestFrontdesk, firstWords = "hi I'd like a haircut tomorrow at three pm"): Promise<SimulatedCall> {
  const callSid = sid('CA');
  const from = nextPhone();
  const post = async (path: string, params: Record<string, string>) => {
    const response = await signedPost(app, path, { CallSid: callSid, To: salon.phoneNumbers[0]!, From: from, ...params });
    assert.ok(response.ok, `${path} answered ${response.status}`);
    return response.text();
  };
  await post('/twilio/voice', {});
  await post('/twilio/voice/gather?turn=1', { SpeechResult: firstWords });
  await post('/twilio/voice/gather?turn=2', { SpeechResult: 'yes please' });
  await post('/twilio/voice/status', { CallStatus: 'completed', CallDuration: '42' });
  const [call] = await app.db.dataSource.query(`SELECT id, outcome, started_at FROM calls WHERE call_sid = $1`, [callSid]);
  assert.equal(call.outcome, 'booked', 'the simulated call should have booked');
  const [booking] = await app.db.dataSource.query(
    `SELECT b.id FROM bookings b JOIN customers c ON c.id = b.customer_id WHERE c.phone = $1`,
    [from],
  );
  const day = DateTime.fromJSDate(new Date(call.started_at), { zone: salon.timeZone }).toISODate()!;
  return { callSid, from, callId: call.id, bookingId: booking.id, day };
}

/** A fetch client that keeps the admin's cookies, the way a browser would (without following redirects). */
export class AdminClient {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: TestFrontdesk) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(`${this.app.url}${path}`, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  postForm(path: string, fields: Record<string, string>): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
  }

  /** Loads the login form (for its token) and submits `password`. */
  async login(password = ADMIN_PASSWORD): Promise<Response> {
    const form = await (await this.request('/admin/login')).text();
    return this.postForm('/admin/login', { csrf: hiddenField(form, 'csrf'), next: '/admin', password });
  }

  /** The CSRF token of the signed-in session, read from a page's logout form. */
  async csrfToken(): Promise<string> {
    return hiddenField(await (await this.request('/admin/health')).text(), 'csrf');
  }
}

export function hiddenField(page: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  assert.ok(match, `no hidden field ${name} on the page`);
  return match[1]!;
}
