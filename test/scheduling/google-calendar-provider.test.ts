import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { createVendorPolicy, VendorUnavailableError, type VendorPolicyOptions } from '../../src/resilience/vendor-policy.js';
import type { CalendarEvent } from '../../src/scheduling/calendar-provider.js';
import { GOOGLE_CALENDAR_SCOPES, readServiceAccount } from '../../src/scheduling/google-auth.js';
import {
  createGoogleCalendarProvider,
  GoogleAuthorizationError,
  GoogleCalendarError,
  googleEventId,
  type GoogleCalendarProvider,
  type GoogleCalendarProviderOptions,
} from '../../src/scheduling/google-calendar-provider.js';
import { createLocalCalendarProvider } from '../../src/scheduling/local-calendar-provider.js';
import { startFakeGoogleCalendar, type FakeGoogleCalendar, type RecordedRequest } from '../fakes/google-calendar.js';
import { writeServiceAccount } from '../support/google.js';
import { LogCapture } from '../support/log-capture.js';

const CLIENT_EMAIL = 'frontdesk@frontdesk-test.iam.gserviceaccount.com';
const SUBJECT = 'owner@clinic.example';
const CALENDAR = 'dr.lee@clinic.example';
const OTHER_CALENDAR = 'dr.kim@clinic.example';


function booking(overrides: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    bookingId: randomUUID(),
    calendarId: CALENDAR,
    start: new Date('2031-03-04T15:00:00Z'),
    end: new Date('2031-03-04T15:30:00Z'),
    timeZone: 'America/New_York',
    summary: 'Haircut — A. Smith',
    ...overrides,
  };
}

async function vendorErrors(metrics: Metrics): Promise<number | undefined> {
  const { values } = await metrics.registry.getSingleMetric('frontdesk_vendor_errors_total')!.get();
  return values.find((value) => value.labels.dependency === 'google_calendar')?.value;
}

function decodeJwtClaims(assertion: string): Record<string, unknown> {
  const payload = assertion.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await sleep(10);
  }
}

const calendarRequests = (fake: FakeGoogleCalendar): RecordedRequest[] =>
  fake.requests.filter((request) => request.path.startsWith('/calendar/'));
const tokenRequests = (fake: FakeGoogleCalendar): RecordedRequest[] =>
  fake.requests.filter((request) => request.path === '/token');
const eventsPath = (calendarId: string) => `/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`;

describe('createGoogleCalendarProvider', () => {
  let dir: string;
  let credentialsFile: string;
  let fake: FakeGoogleCalendar;
  let metrics: Metrics;
  let logs: LogCapture;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'frontdesk-google-'));
    credentialsFile = writeServiceAccount(CLIENT_EMAIL, dir);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(async () => {
    fake = await startFakeGoogleCalendar();
    metrics = createMetrics();
    logs = new LogCapture();
  });

  afterEach(() => fake.close());

  function provider(
    policyOptions: Partial<VendorPolicyOptions> = {},
    options: Partial<GoogleCalendarProviderOptions> = {},
  ): GoogleCalendarProvider {
    const logger = createLogger({ level: 'info', destination: logs });
    const policy = createVendorPolicy({
      dependency: 'google_calendar',
      metrics,
      logger,
      timeoutMs: 2000,
      retries: 2,
      retryDelay: { initialMs: 5, maxMs: 20 },
      ...policyOptions,
    });
    return createGoogleCalendarProvider({
      credentialsFile,
      subject: SUBJECT,
      apiUrl: fake.url,
      tokenUrl: fake.url,
      policy,
      logger,
      ...options,
    });
  }

  describe('putEvent', () => {
    it('creates one event whose id is the booking id without dashes', async () => {
      const calendar = provider();
      const event = booking({ description: 'Booked by phone' });
      const eventId = await calendar.putEvent(event);

      assert.equal(eventId, event.bookingId.replaceAll('-', ''));
      assert.match(eventId, /^[0-9a-f]{32}$/);
      const [stored, ...more] = fake.events(CALENDAR);
      assert.equal(more.length, 0);
      assert.equal(stored?.id, eventId);
      assert.equal(stored?.status, 'confirmed');
      assert.equal(stored?.summary, 'Haircut — A. Smith');
      assert.equal(stored?.description, 'Booked by phone');
      assert.deepEqual(stored?.start, { dateTime: '2031-03-04T15:00:00.000Z', timeZone: 'America/New_York' });
      assert.deepEqual(stored?.end, { dateTime: '2031-03-04T15:30:00.000Z', timeZone: 'America/New_York' });
      assert.deepEqual(stored?.extendedProperties, { private: { frontdeskBookingId: event.bookingId } });
    });

    it('is idempotent: a second put of the same booking patches the one event', async () => {
      const calendar = provider();
      const event = booking();
      await calendar.putEvent(event);
      await calendar.putEvent(event);

      assert.equal(fake.events(CALENDAR).length, 1);
      assert.equal(fake.events(CALENDAR)[0]?.sequence, 2);
      const eventId = googleEventId(event.bookingId);
      assert.deepEqual(
        calendarRequests(fake).map((request) => `${request.method} ${request.path}`),
        [
          `POST ${eventsPath(CALENDAR)}`,
          `POST ${eventsPath(CALENDAR)}`,
          `PATCH ${eventsPath(CALENDAR)}/${eventId}`,
        ],
      );
      assert.equal(await vendorErrors(metrics), 0, 'the 409 is an answer, not a failure');
    });

    it('moves the event when the booking moves', async () => {
      const calendar = provider();
      const event = booking();
      await calendar.putEvent(event);
      await calendar.putEvent({
        ...event,
        start: new Date('2031-03-05T18:00:00Z'),
        end: new Date('2031-03-05T19:00:00Z'),
      });

      const events = fake.events(CALENDAR);
      assert.equal(events.length, 1);
      assert.equal(events[0]?.start.dateTime, '2031-03-05T18:00:00.000Z');
      assert.equal(events[0]?.end.dateTime, '2031-03-05T19:00:00.000Z');
    });

    it('restores an event that was deleted when the booking is put again', async () => {
      const calendar = provider();
      const event = booking();
      await calendar.putEvent(event);
      await calendar.deleteEvent(CALENDAR, event.bookingId);
      assert.equal(fake.events(CALENDAR)[0]?.status, 'cancelled');
      await calendar.putEvent(event);
      assert.equal(fake.events(CALENDAR).length, 1);
      assert.equal(fake.events(CALENDAR)[0]?.status, 'confirmed');
    });

    it('retries a 500 and ends with exactly one event', async () => {
      const calendar = provider();
      await calendar.putEvent(booking());
      const event = booking({ start: new Date('2031-03-04T16:00:00Z'), end: new Date('2031-03-04T16:30:00Z') });
      fake.failNext(1, 500);
      await calendar.putEvent(event);

      const eventId = googleEventId(event.bookingId);
      assert.equal(fake.events(CALENDAR).filter((stored) => stored.id === eventId).length, 1);
      const inserts = calendarRequests(fake).filter(
        (request) => request.method === 'POST' && (request.body as { id?: string }).id === eventId,
      );
      assert.equal(inserts.length, 2, 'the failed insert and its retry');
      assert.equal(await vendorErrors(metrics), 1);
    });

    it('stays one event when a timed-out insert did reach Google', async () => {
      const calendar = provider({ timeoutMs: 300, retries: 0 });
      await calendar.putEvent(booking());
      const event = booking({ start: new Date('2031-03-06T09:00:00Z'), end: new Date('2031-03-06T10:00:00Z') });
      fake.latencyMs = 500;
      await assert.rejects(calendar.putEvent(event), VendorUnavailableError);
      await waitFor(() => fake.events(CALENDAR).length === 2, 'the fake stores the insert after we gave up');

      fake.latencyMs = 0;
      await calendar.putEvent(event);
      assert.equal(fake.events(CALENDAR).length, 2);
    });

    it('times out through the policy when Google never answers', async () => {
      const calendar = provider({ timeoutMs: 200, retries: 0 });
      await calendar.putEvent(booking());
      fake.hangNext(1);
      const startedAt = Date.now();
      const error = await calendar.putEvent(booking()).catch((thrown: unknown) => thrown);
      assert.ok(error instanceof VendorUnavailableError, String(error));
      assert.equal(error.reason, 'timeout');
      assert.ok(Date.now() - startedAt < 1500);
    });

    it('does not wedge on a token request that never answers', async () => {
      const calendar = provider({ timeoutMs: 200, retries: 0 });
      fake.hangNext(1);
      await assert.rejects(calendar.putEvent(booking()), VendorUnavailableError);
      assert.equal(tokenRequests(fake).length, 1);
      // The policy gives up at once (aggressive timeout); the abort reaches the shared in-flight
      // token request a few ticks later. A call started in between would share its fate.
      await sleep(20);

      await calendar.putEvent(booking());
      assert.equal(tokenRequests(fake).length, 2, 'a fresh token request, not the hung one');
      assert.equal(fake.events(CALENDAR).length, 1);
    });

    it('does not retry a request Google rejects as wrong, nor let the SDK retry anything', async () => {
      const calendar = provider({ retries: 3 });
      await calendar.putEvent(booking());
      fake.failNext(1, 400);
      const error = await calendar.putEvent(booking()).catch((thrown: unknown) => thrown);
      assert.ok(error instanceof GoogleCalendarError, String(error));
      assert.equal(error.status, 400);
      assert.equal(error.reason, 'badRequest');
      assert.equal(error.retryable, false);
      assert.equal(calendarRequests(fake).length, 2);
    });

    it('retries a 403 rate limit like a 429', async () => {
      const calendar = provider();
      await calendar.putEvent(booking());
      fake.failNext(1, 403);
      await calendar.putEvent(booking());
      assert.equal(fake.events(CALENDAR).length, 2);
    });

    it('refuses a booking id that is not a uuid before calling Google', async () => {
      const calendar = provider();
      await assert.rejects(calendar.putEvent(booking({ bookingId: 'booking-42' })), /is not a uuid/);
      assert.equal(fake.requests.length, 0);
    });
  });

  describe('deleteEvent', () => {
    it('deletes, and deleting again (410) or a never-created event (404) is fine', async () => {
      const calendar = provider();
      const event = booking();
      await calendar.putEvent(event);
      await calendar.deleteEvent(CALENDAR, event.bookingId);
      await calendar.deleteEvent(CALENDAR, event.bookingId);
      await calendar.deleteEvent(CALENDAR, randomUUID());

      assert.equal(fake.events(CALENDAR)[0]?.status, 'cancelled');
      const deletes = calendarRequests(fake).filter((request) => request.method === 'DELETE');
      assert.equal(deletes.length, 3);
      assert.equal(await vendorErrors(metrics), 0);
    });

    it('makes one attempt per policy attempt: the SDK does not retry a DELETE on its own', async () => {
      const calendar = provider({ retries: 0 });
      await calendar.putEvent(booking());
      fake.failNext(1, 503);
      await assert.rejects(calendar.deleteEvent(CALENDAR, randomUUID()), GoogleCalendarError);
      assert.equal(calendarRequests(fake).filter((request) => request.method === 'DELETE').length, 1);
    });
  });

  it('makes one token request per policy attempt: the SDK does not retry the token POST', async () => {
    const calendar = provider({ retries: 0 });
    fake.failNext(1, 500);
    const error = await calendar.putEvent(booking()).catch((thrown: unknown) => thrown);
    assert.ok(error instanceof GoogleCalendarError, String(error));
    assert.equal(error.status, 500);
    assert.equal(error.retryable, true);
    assert.equal(tokenRequests(fake).length, 1);
    assert.equal(calendarRequests(fake).length, 0);
  });

  describe('busyTimes', () => {
    const from = new Date('2031-03-04T00:00:00Z');
    const to = new Date('2031-03-05T00:00:00Z');
    const listRequests = (calendarId?: string) =>
      calendarRequests(fake).filter(
        (request) =>
          request.method === 'GET' &&
          (calendarId === undefined ? request.path.endsWith('/events') : request.path === eventsPath(calendarId)),
      );
    const at = (start: string, end: string) => ({ start: Date.parse(start), end: Date.parse(end) });
    const timed = (start: string, end: string) => ({ start: { dateTime: start }, end: { dateTime: end } });

    it("lists each calendar's events and returns other people's as busy intervals in epoch ms", async () => {
      const calendar = provider();
      fake.setBusy(CALENDAR, [
        { start: new Date('2031-03-04T12:00:00Z'), end: new Date('2031-03-04T13:00:00Z') },
        { start: new Date('2031-03-04T12:30:00Z'), end: new Date('2031-03-04T14:00:00Z') },
      ]);
      fake.addForeignEvent(OTHER_CALENDAR, timed('2031-03-04T18:30:00-05:00', '2031-03-04T19:30:00-05:00'));
      const busy = await calendar.busyTimes([CALENDAR, OTHER_CALENDAR, 'empty@clinic.example'], from, to);

      assert.deepEqual(busy.get(CALENDAR), [at('2031-03-04T12:00:00Z', '2031-03-04T14:00:00Z')]);
      assert.deepEqual(busy.get(OTHER_CALENDAR), [at('2031-03-04T23:30:00Z', '2031-03-05T00:00:00Z')], 'cut at the window');
      assert.deepEqual(busy.get('empty@clinic.example'), []);

      assert.equal(calendarRequests(fake).length, 3, 'one request per calendar, none to freeBusy');
      for (const id of [CALENDAR, OTHER_CALENDAR, 'empty@clinic.example']) {
        assert.deepEqual(listRequests(id).map((request) => request.query), [
          {
            timeMin: '2031-03-04T00:00:00.000Z',
            timeMax: '2031-03-05T00:00:00.000Z',
            singleEvents: 'true',
            showDeleted: 'false',
            maxResults: '2500',
          },
        ]);
      }
    });

    it('does not count the events mirrored from our own bookings', async () => {
      const calendar = provider();
      const moved = booking();
      await calendar.putEvent(moved);
      await calendar.putEvent(booking({ start: new Date('2031-03-04T17:00:00Z'), end: new Date('2031-03-04T18:00:00Z') }));
      await calendar.putEvent({ ...moved, start: new Date('2031-03-04T15:15:00Z'), end: new Date('2031-03-04T15:45:00Z') });
      assert.equal(fake.events(CALENDAR).filter((event) => event.status === 'confirmed').length, 2);
      fake.addForeignEvent(CALENDAR, timed('2031-03-04T09:00:00Z', '2031-03-04T10:00:00Z'));

      const busy = await calendar.busyTimes([CALENDAR], from, to);
      assert.deepEqual(busy.get(CALENDAR), [at('2031-03-04T09:00:00Z', '2031-03-04T10:00:00Z')]);
      assert.equal(listRequests(CALENDAR).length, 1);
    });

    it('does not count free (transparent) events, cancelled ones, or invitations the owner declined', async () => {
      const calendar = provider();
      fake.addForeignEvent(CALENDAR, { ...timed('2031-03-04T09:00:00Z', '2031-03-04T10:00:00Z'), transparency: 'transparent' });
      fake.addForeignEvent(CALENDAR, { ...timed('2031-03-04T10:00:00Z', '2031-03-04T11:00:00Z'), status: 'cancelled' });
      fake.addForeignEvent(CALENDAR, {
        ...timed('2031-03-04T11:00:00Z', '2031-03-04T12:00:00Z'),
        attendees: [
          { email: 'boss@clinic.example', responseStatus: 'accepted' },
          { email: CALENDAR, self: true, responseStatus: 'declined' },
        ],
      });
      fake.addForeignEvent(CALENDAR, {
        ...timed('2031-03-04T13:00:00Z', '2031-03-04T14:00:00Z'),
        transparency: 'opaque',
        status: 'tentative',
        attendees: [{ email: CALENDAR, self: true, responseStatus: 'tentative' }],
      });

      const busy = await calendar.busyTimes([CALENDAR], from, to);
      assert.deepEqual(busy.get(CALENDAR), [at('2031-03-04T13:00:00Z', '2031-03-04T14:00:00Z')]);
    });

    it("blocks an opaque all-day event's whole local days, in the calendar's zone or the event's own", async () => {
      const calendar = provider();
      fake.setTimeZone(CALENDAR, 'America/New_York');
      fake.setTimeZone(OTHER_CALENDAR, 'America/New_York');
      // End dates are exclusive: a one-day event on the 4th ends on the 5th.
      fake.addForeignEvent(CALENDAR, { start: { date: '2031-03-04' }, end: { date: '2031-03-05' } });
      fake.addForeignEvent(CALENDAR, { start: { date: '2031-03-07' }, end: { date: '2031-03-08' }, transparency: 'transparent' });
      fake.addForeignEvent(OTHER_CALENDAR, {
        start: { date: '2031-03-05', timeZone: 'Europe/Berlin' },
        end: { date: '2031-03-07', timeZone: 'Europe/Berlin' },
      });

      const week = await calendar.busyTimes([CALENDAR, OTHER_CALENDAR], from, new Date('2031-03-11T00:00:00Z'));
      // Midnight to midnight in New York; two days in Berlin.
      assert.deepEqual(week.get(CALENDAR), [at('2031-03-04T05:00:00Z', '2031-03-05T05:00:00Z')]);
      assert.deepEqual(week.get(OTHER_CALENDAR), [at('2031-03-04T23:00:00Z', '2031-03-06T23:00:00Z')]);
    });

    it('follows nextPageToken to the last page, asking the same question each time', async () => {
      const calendar = provider();
      fake.pageSize = 2;
      const hours = [9, 11, 13, 15, 17];
      fake.setBusy(
        CALENDAR,
        hours.map((hour) => ({
          start: new Date(Date.UTC(2031, 2, 4, hour)),
          end: new Date(Date.UTC(2031, 2, 4, hour, 30)),
        })),
      );
      await calendar.putEvent(booking({ start: new Date('2031-03-04T10:00:00Z'), end: new Date('2031-03-04T10:30:00Z') }));

      const busy = await calendar.busyTimes([CALENDAR], from, to);
      assert.deepEqual(
        busy.get(CALENDAR),
        hours.map((hour) => ({ start: Date.UTC(2031, 2, 4, hour), end: Date.UTC(2031, 2, 4, hour, 30) })),
      );
      const pages = listRequests(CALENDAR);
      assert.equal(pages.length, 3, 'six events, two a page');
      assert.equal(pages[0]?.query.pageToken, undefined);
      for (const page of pages.slice(1)) {
        assert.ok(page.query.pageToken, 'a later page names its token');
        const { pageToken: _token, ...rest } = page.query;
        assert.deepEqual(rest, pages[0]?.query);
      }
    });

    it('answers from its cache within the TTL, then asks again', async () => {
      const calendar = provider({}, { busyCacheMs: 400 });
      fake.setBusy(CALENDAR, [{ start: new Date('2031-03-04T12:00:00Z'), end: new Date('2031-03-04T13:00:00Z') }]);
      const first = await calendar.busyTimes([CALENDAR, OTHER_CALENDAR], from, to);
      first.get(CALENDAR)?.push({ start: 0, end: 1 });
      const second = await calendar.busyTimes([OTHER_CALENDAR, CALENDAR, CALENDAR], from, to);
      assert.equal(second.get(CALENDAR)?.length, 1, 'callers cannot change the cached answer');
      assert.equal(listRequests().length, 2, 'one per calendar, once');

      await calendar.busyTimes([CALENDAR, OTHER_CALENDAR], from, new Date('2031-03-06T00:00:00Z'));
      assert.equal(listRequests().length, 4, 'another window is another question');

      await sleep(450);
      await calendar.busyTimes([CALENDAR, OTHER_CALENDAR], from, to);
      assert.equal(listRequests().length, 6);
    });

    it('forgets cached answers after its own writes', async () => {
      const calendar = provider();
      assert.deepEqual((await calendar.busyTimes([CALENDAR], from, to)).get(CALENDAR), []);
      fake.setBusy(CALENDAR, [{ start: new Date('2031-03-04T12:00:00Z'), end: new Date('2031-03-04T13:00:00Z') }]);
      await calendar.putEvent(booking());
      const busy = await calendar.busyTimes([CALENDAR], from, to);
      assert.deepEqual(busy.get(CALENDAR), [at('2031-03-04T12:00:00Z', '2031-03-04T13:00:00Z')]);
      assert.equal(listRequests().length, 2);
    });

    it('retries a failed read, and reports one that cannot succeed', async () => {
      const calendar = provider({ retries: 2 });
      await calendar.putEvent(booking({ calendarId: OTHER_CALENDAR }));
      fake.setBusy(CALENDAR, [{ start: new Date('2031-03-04T12:00:00Z'), end: new Date('2031-03-04T13:00:00Z') }]);
      fake.failNext(1, 503);
      const busy = await calendar.busyTimes([CALENDAR], from, to);
      assert.equal(busy.get(CALENDAR)?.length, 1);
      assert.equal(listRequests().length, 2, 'the failure and its retry');

      fake.failNext(1, 400);
      const later = new Date('2031-03-06T00:00:00Z');
      const error = await calendar.busyTimes([CALENDAR], from, later).catch((thrown: unknown) => thrown);
      assert.ok(error instanceof GoogleCalendarError, String(error));
      assert.equal(error.status, 400);
      assert.equal(listRequests().length, 3, 'a wrong request is not retried');
    });

    it('treats a calendar Google does not show us (404) as unknown: no busy times, and a warning', async () => {
      const calendar = provider();
      await calendar.putEvent(booking());
      fake.failNext(1, 404);
      const busy = await calendar.busyTimes([CALENDAR], from, to);
      assert.deepEqual(busy.get(CALENDAR), []);
      assert.ok(logs.messages().includes('Google Calendar did not report busy times for a calendar'));
      assert.equal(await vendorErrors(metrics), 0, 'an answer, not a failure');
    });

    it('does not call Google for no calendars', async () => {
      const calendar = provider();
      assert.equal((await calendar.busyTimes([], from, to)).size, 0);
      assert.equal(fake.requests.length, 0);
    });
  });

  describe('authorization', () => {
    it('trades a signed JWT for a token once and sends it as a bearer token', async () => {
      const calendar = provider();
      await calendar.putEvent(booking());
      await calendar.busyTimes([CALENDAR], new Date('2031-03-04T00:00:00Z'), new Date('2031-03-05T00:00:00Z'));
      await calendar.deleteEvent(CALENDAR, randomUUID());

      const [token, ...moreTokens] = tokenRequests(fake);
      assert.equal(moreTokens.length, 0, 'the token is cached');
      const form = token?.body as Record<string, string>;
      assert.equal(form.grant_type, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
      const claims = decodeJwtClaims(form.assertion ?? '');
      assert.equal(claims.iss, CLIENT_EMAIL);
      assert.equal(claims.sub, SUBJECT);
      assert.equal(claims.scope, GOOGLE_CALENDAR_SCOPES.join(' '));

      const calls = calendarRequests(fake);
      assert.equal(calls.length, 3);
      for (const call of calls) assert.equal(call.authorization, `Bearer ${fake.accessToken}`);
      assert.deepEqual(calendar.authorization(), { ok: true });
    });

    it('reports invalid_grant as GoogleAuthorizationError, once in the log, without retrying or tripping', async () => {
      const calendar = provider({ retries: 2, breaker: { consecutiveFailures: 2 } });
      fake.invalidGrant(true);
      for (let i = 0; i < 3; i += 1) {
        const error = await calendar.putEvent(booking()).catch((thrown: unknown) => thrown);
        assert.ok(error instanceof GoogleAuthorizationError, String(error));
        assert.equal(error.code, 'invalid_grant');
        assert.equal(error.retryable, false);
        assert.match(error.message, /invalid_grant: Not a valid email or user ID/);
      }
      assert.equal(tokenRequests(fake).length, 3, 'one token request per call: no retries');
      assert.equal(calendarRequests(fake).length, 0);

      const status = calendar.authorization();
      assert.equal(status.ok, false);
      assert.match(status.error ?? '', /invalid_grant/);
      assert.ok(status.since instanceof Date);
      assert.deepEqual(
        logs.messages().filter((message) => message.includes('authorization')),
        ['Google Calendar authorization failed; calendar sync is stopped until the credentials are fixed'],
      );
      assert.ok(!logs.lines.some((line) => line.includes('circuit breaker')), 'the breaker stayed closed');
      assert.equal(await vendorErrors(metrics), 3);

      fake.invalidGrant(false);
      await calendar.putEvent(booking());
      assert.deepEqual(calendar.authorization(), { ok: true });
      assert.ok(logs.messages().includes('Google Calendar authorization restored'));
    });

    it('fetches a new token after Google rejects the cached one', async () => {
      const calendar = provider({ retries: 0 });
      await calendar.putEvent(booking());
      fake.failNext(1, 401);
      await assert.rejects(calendar.putEvent(booking()), (error: unknown) => {
        return error instanceof GoogleCalendarError && error.status === 401 && !error.retryable;
      });
      await calendar.putEvent(booking());
      assert.equal(tokenRequests(fake).length, 2);
    });
  });
});

describe('googleEventId', () => {
  it('is the uuid’s hex digits, lower case, which Google accepts as base32hex', () => {
    assert.equal(googleEventId('0F8FAD5B-D9CB-469F-A165-70867728950E'), '0f8fad5bd9cb469fa16570867728950e');
  });

  it('refuses anything else', () => {
    assert.throws(() => googleEventId('not-a-uuid'), RangeError);
    assert.throws(() => googleEventId(''), RangeError);
  });
});

describe('readServiceAccount', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'frontdesk-google-sa-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('says which file is wrong and how', () => {
    const file = join(dir, 'user.json');
    writeFileSync(file, JSON.stringify({ type: 'authorized_user', client_id: 'x' }));
    assert.throws(() => readServiceAccount(file), /GOOGLE_CALENDAR_CREDENTIALS \(.*user\.json\): expected "type": "service_account"/);
    assert.throws(() => readServiceAccount(join(dir, 'missing.json')), /cannot read the file \(ENOENT\)/);
  });

  it('does not quote the file when it is not JSON (it may hold a key)', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"private_key": "-----BEGIN PRIVATE KEY-----\nSECRET');
    assert.throws(
      () => readServiceAccount(file),
      (error: unknown) => error instanceof Error && /not valid JSON/.test(error.message) && !error.message.includes('SECRET'),
    );
  });
});

describe('createLocalCalendarProvider', () => {
  it('has no outside busy times and mirrors nothing', async () => {
    const calendar = createLocalCalendarProvider();
    assert.equal(calendar.name, 'local');
    const busy = await calendar.busyTimes(['a', 'b'], new Date(0), new Date(1000));
    assert.deepEqual([...busy], [
      ['a', []],
      ['b', []],
    ]);
    const event = booking();
    assert.equal(await calendar.putEvent(event), `local:${event.bookingId}`);
    await calendar.deleteEvent(CALENDAR, event.bookingId);
  });
});
