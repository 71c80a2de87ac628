import assert from 'node:assert/strict';
import pino from 'pino';
import type { BlockedTime } from '../../src/scheduling/availability-engine.js';
import { BlockedTimesCache } from '../../src/scheduling/blocked-times-cache.js';
import { listenForBookingChanges, type BookingChangeFeed } from '../../src/scheduling/booking-changes.js';
import { loadBlockedTimesOverlapping } from '../../src/scheduling/blocked-times-store.js';
import { createScheduler } from '../../src/scheduling/scheduler.js';
import { testBusiness } from '../support/business-fixture.js';
import { nextPhone, schedulingHarness, type SchedulingHarness } from '../support/scheduling.js';

const business = testBusiness();
const now = new Date('2026-03-01T13:00:00Z');
const MONDAY = { from: new Date('2026-03-02T05:00:00Z'), to: new Date('2026-03-03T05:00:00Z') };
const search = { businessId: business.id, serviceId: 'cut', staffId: 'anna', ...MONDAY };

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('blocked times in memory', () => {
  let h: SchedulingHarness;
  let feed: BookingChangeFeed | undefined;
  let cache: BlockedTimesCache;
  let loads: number;

  beforeEach(async () => {
    h = await schedulingHarness(business, { now });
    loads = 0;
    cache = new BlockedTimesCache({
      load: (businessId, range) => {
        loads += 1;
        return loadBlockedTimesOverlapping(h.db.dataSource.manager, businessId, range);
      },
    });
    feed = listenForBookingChanges({ databaseUrl: h.db.url, logger: pino({ level: 'silent' }), handlers: cache, active: () => h.db.dataSource.isInitialized });
    await until(() => cache.isListening, 'the listener');
  });
  afterEach(async () => {
    await feed?.stop();
    await h.drop();
  });

  it('answers searches from memory, and stops offering a time another process books as soon as it commits', async () => {
    const scheduler = createScheduler({ ...h.context, blockedTimes: cache });
    const elsewhere = createScheduler(h.context); // its own copy and listener, as in another process
    const first = await scheduler.offerSlots(search, {}, 100);
    assert.deepEqual(await scheduler.offerSlots(search, {}, 100), first);
    assert.equal(loads, 1, 'the second search was answered from memory');

    const taken = first[2]!;
    await elsewhere.book({ businessId: business.id, serviceId: 'cut', staffId: 'anna', start: taken.start, customer: { phone: nextPhone() }, channel: 'sms' });
    await until(async () => !(await scheduler.offerSlots(search, {}, 100)).some((slot) => slot.start.getTime() === taken.start.getTime()), 'the change report');
    assert.equal(loads, 2);
  });

  it('drops its copy at once after a booking made through it, before any report', async () => {
    // Told it is listening, but nothing reports: only the booking itself can drop the copy.
    const unreported = new BlockedTimesCache({ load: (businessId, range) => loadBlockedTimesOverlapping(h.db.dataSource.manager, businessId, range) });
    unreported.listening();
    const scheduler = createScheduler({ ...h.context, blockedTimes: unreported });
    const [slot] = await scheduler.offerSlots(search, {}, 1);
    await scheduler.book({ businessId: business.id, serviceId: 'cut', staffId: 'anna', start: slot!.start, customer: { phone: nextPhone() }, channel: 'voice' });
    const after = await scheduler.offerSlots(search, {}, 100);
    assert.ok(!after.some((candidate) => candidate.start.getTime() === slot!.start.getTime()));
  });

  it('sees bookings changed by hand in SQL, cancelled ones included', async () => {
    const scheduler = createScheduler({ ...h.context, blockedTimes: cache });
    const [slot] = await scheduler.offerSlots(search, {}, 1);
    const { booking } = await createScheduler(h.context).book({ businessId: business.id, serviceId: 'cut', staffId: 'anna', start: slot!.start, customer: { phone: nextPhone() }, channel: 'sms' });
    const offersIt = async () => (await scheduler.offerSlots(search, {}, 100)).some((candidate) => candidate.start.getTime() === slot!.start.getTime());
    await until(async () => !(await offersIt()), 'the booking');
    await h.db.dataSource.query(`UPDATE bookings SET status = 'cancelled' WHERE id = $1`, [booking.id]);
    await until(offersIt, 'the cancellation');
  });

  it('reads Postgres while its listening connection is lost, and answers from memory again once it is back', async () => {
    const scheduler = createScheduler({ ...h.context, blockedTimes: cache });
    const [slot] = await scheduler.offerSlots(search, {}, 1);
    await h.db.dataSource.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'frontdesk-booking-changes' AND datname = current_database()`,
    );
    await until(() => !cache.isListening, 'the lost connection');
    // Booked while nobody listens: no report will come, so only reading Postgres can see it.
    await createScheduler(h.context, { blockedTimesInMemory: false }).book({
      businessId: business.id, serviceId: 'cut', staffId: 'anna', start: slot!.start, customer: { phone: nextPhone() }, channel: 'sms',
    });
    const loadsBefore = loads;
    assert.ok(!(await scheduler.offerSlots(search, {}, 100)).some((candidate) => candidate.start.getTime() === slot!.start.getTime()));
    assert.equal(loads, loadsBefore + 1, 'read from Postgres');
    await until(() => cache.isListening, 'the listener to reconnect', 5000);
    await scheduler.offerSlots(search, {}, 100);
    await scheduler.offerSlots(search, {}, 100);
    assert.equal(loads, loadsBefore + 2, 'kept again once listening');
  });

  it('does not keep a read that a change report overtook, and reads Postgres while not listening', async () => {
    let release!: (times: BlockedTime[]) => void;
    let reads = 0;
    const racing = new BlockedTimesCache({
      load: () => {
        reads += 1;
        return new Promise((resolve) => (release = resolve));
      },
    });
    racing.listening();
    const pending = racing.blockedTimes(business.id, MONDAY);
    racing.changed(business.id); // committed after the read's snapshot
    release([]);
    await pending;
    const again = racing.blockedTimes(business.id, MONDAY);
    assert.equal(reads, 2, 'read again');
    release([]);
    await again;
    void racing.blockedTimes(business.id, MONDAY);
    assert.equal(reads, 2, 'kept once nothing overtook it');

    racing.lost();
    const whileLost = racing.blockedTimes(business.id, MONDAY);
    release([]);
    await whileLost;
    void racing.blockedTimes(business.id, MONDAY);
    assert.equal(reads, 4, 'every search reads while changes may go unreported');
    release([]);
  });
});
