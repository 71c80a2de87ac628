import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { runCalendarSync, type CalendarSyncDependencies } from '../../src/jobs/calendar-sync.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createVendorPolicy } from '../../src/resilience/vendor-policy.js';
import { bookAppointment, cancelAppointment, rescheduleAppointment } from '../../src/scheduling/booking-service.js';
import { createGoogleCalendarProvider, googleEventId } from '../../src/scheduling/google-calendar-provider.js';
import { searchSlots } from '../../src/scheduling/scheduling-context.js';
import { startFakeGoogleCalendar, type FakeGoogleCalendar } from '../fakes/google-calendar.js';
import { testBusiness } from '../support/business-fixture.js';
import { writeServiceAccount } from '../support/google.js';
import { nextPhone, schedulingHarness, type SchedulingHarness } from '../support/scheduling.js';

const ANNA = 'anna@salon.test';
const business = testBusiness((draft) => {
  (draft.staff as Record<string, unknown>[])[0]!.calendarId = ANNA;
});
const now = new Date('2026-03-01T13:00:00Z');
const MONDAY_10 = new Date('2026-03-02T15:00:00Z');

describe('calendar sync with Google (fake server, real googleapis)', () => {
  let fake: FakeGoogleCalendar;
  let h: SchedulingHarness;
  let dir: string;
  let deps: CalendarSyncDependencies;

  beforeEach(async () => {
    fake = await startFakeGoogleCalendar();
    dir = mkdtempSync(join(tmpdir(), 'frontdesk-calendar-sync-'));
    const logger = pino({ level: 'silent' });
    const calendar = createGoogleCalendarProvider({
      credentialsFile: writeServiceAccount('frontdesk@test.iam.gserviceaccount.com', dir),
      apiUrl: fake.url,
      tokenUrl: fake.url,
      logger,
      busyCacheMs: 0,
      policy: createVendorPolicy({
        dependency: 'google_calendar',
        metrics: createMetrics(),
        logger,
        timeoutMs: 2000,
        retries: 1,
        retryDelay: { initialMs: 5, maxMs: 10 },
      }),
    });
    h = await schedulingHarness(business, { now, calendar });
    deps = { dataSource: h.db.dataSource, businesses: h.context.businesses, calendar, logger };
  });
  afterEach(async () => {
    await h.drop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const book = (start = MONDAY_10) =>
    bookAppointment(h.context, {
      businessId: business.id,
      serviceId: 'cut',
      staffId: 'anna',
      start,
      customer: { phone: nextPhone() },
      channel: 'sms',
    });

  async function syncRows(bookingId: string): Promise<{ id: string; status: string }[]> {
    return h.db.dataSource.query(
      `SELECT id, status FROM outbox WHERE booking_id = $1 AND kind = 'calendar-sync' ORDER BY created_at`,
      [bookingId],
    );
  }

  it('puts one event however often the job runs, then moves and deletes it', async () => {
    const { booking } = await book();
    const [row] = await syncRows(booking.id);
    assert.equal(await runCalendarSync(deps, row!.id), 'synced');
    assert.equal(await runCalendarSync(deps, row!.id), 'skipped');
    await h.db.dataSource.query(`UPDATE outbox SET status = 'pending' WHERE id = $1`, [row!.id]);
    assert.equal(await runCalendarSync(deps, row!.id), 'synced', 'a replayed row (crash after send) puts again');
    let events = fake.events(ANNA).filter((event) => event.status === 'confirmed');
    assert.equal(events.length, 1);
    assert.equal(events[0]!.id, googleEventId(booking.id));
    assert.equal(Date.parse(events[0]!.start.dateTime), MONDAY_10.getTime());

    await rescheduleAppointment(h.context, { bookingId: booking.id, start: new Date('2026-03-03T16:00:00Z') });
    for (const sync of await syncRows(booking.id)) await runCalendarSync(deps, sync.id);
    events = fake.events(ANNA).filter((event) => event.status === 'confirmed');
    assert.equal(events.length, 1);
    assert.equal(Date.parse(events[0]!.start.dateTime), Date.parse('2026-03-03T16:00:00Z'));

    await cancelAppointment(h.context, booking.id);
    for (const sync of await syncRows(booking.id)) await runCalendarSync(deps, sync.id);
    assert.equal(fake.events(ANNA).filter((event) => event.status === 'confirmed').length, 0);
  });

  it('keeps the booking while Google fails, and syncs it once after recovery', async () => {
    const { booking } = await book();
    const [row] = await syncRows(booking.id);
    fake.failNext(10, 500);
    assert.equal(await runCalendarSync(deps, row!.id), 'retry-later');
    const [pending] = await h.db.dataSource.query(
      `SELECT status, attempts, available_at > now() AS backing_off FROM outbox WHERE id = $1`,
      [row!.id],
    );
    assert.deepEqual(pending, { status: 'pending', attempts: 1, backing_off: true });
    const [stands] = await h.db.dataSource.query(`SELECT status FROM bookings WHERE id = $1`, [booking.id]);
    assert.equal(stands.status, 'confirmed');

    fake.failNext(0, 500);
    assert.equal(await runCalendarSync(deps, row!.id), 'synced');
    assert.equal(fake.events(ANNA).length, 1);
  });

  it('moves a booking onto part of its own Google event; a cancelled one frees its time before the sync', async () => {
    const { booking } = await book();
    for (const sync of await syncRows(booking.id)) await runCalendarSync(deps, sync.id);
    const confirmed = () => fake.events(ANNA).filter((event) => event.status === 'confirmed');
    assert.equal(confirmed().length, 1, 'our 10:00 event is on her calendar');

    const quarterPast = new Date('2026-03-02T15:15:00Z');
    const moved = await rescheduleAppointment(h.context, { bookingId: booking.id, start: quarterPast, staffId: 'anna' });
    assert.equal(moved.staffId, 'anna');
    assert.equal(moved.start.getTime(), quarterPast.getTime());

    await cancelAppointment(h.context, booking.id);
    assert.equal(confirmed().length, 1, 'not synced yet');
    const { booking: next } = await book(quarterPast);
    assert.equal(next.staffId, 'anna');
  });

  it("honours busy times from the staff member's Google calendar", async () => {
    fake.setBusy(ANNA, [{ start: new Date('2026-03-02T15:00:00Z'), end: new Date('2026-03-02T16:00:00Z') }]);
    const search = { businessId: business.id, serviceId: 'cut', from: new Date('2026-03-02T05:00:00Z'), to: new Date('2026-03-03T05:00:00Z') };
    const anna = (await searchSlots(h.context, { ...search, staffId: 'anna' })).map((slot) => slot.start.toISOString());
    assert.ok(!anna.includes('2026-03-02T15:00:00.000Z') && !anna.includes('2026-03-02T15:30:00.000Z'));
    assert.ok(anna.includes('2026-03-02T14:30:00.000Z') && anna.includes('2026-03-02T16:00:00.000Z'));
    const ben = (await searchSlots(h.context, { ...search, staffId: 'ben' })).map((slot) => slot.start.toISOString());
    assert.ok(ben.includes('2026-03-02T15:00:00.000Z'), 'Ben has no calendar; his time is free');
  });
});
