import assert from 'node:assert/strict';
import { createScheduler, SlotTaken, type Scheduler } from '../../src/scheduling/scheduler.js';
import { testBusiness } from '../support/business-fixture.js';
import { OVERLAP_AUDIT, nextPhone, schedulingHarness, type SchedulingHarness } from '../support/scheduling.js';
import { report } from './support.js';

const RUNS = 100;
const BOOKERS = 50;
const business = testBusiness((draft) => {
  draft.bookingRules = { minimumNoticeMinutes: 60, horizonDays: 30, slotIntervalMinutes: 15, cancellationNoticeHours: 24 };
});
const now = new Date('2026-03-01T13:00:00Z');

describe('faults #5: parallel bookers on one slot', () => {
  let h: SchedulingHarness;
  let scheduler: Scheduler;
  before(async () => {
    h = await schedulingHarness(business, { now });
    scheduler = createScheduler(h.context);
  });
  after(async () => h.drop());

  it(`${BOOKERS} parallel bookers × ${RUNS} runs: exactly one winner each, overlap audit empty`, async () => {
    const offered = await scheduler.offerSlots(
      { businessId: business.id, serviceId: 'cut', staffId: 'anna', from: new Date('2026-03-02T05:00:00Z'), to: new Date('2026-03-28T05:00:00Z') },
      { earliest: true },
      10_000,
    );
    // Runs 30 minutes apart, so one run's booking never blocks the next run's slot.
    const slots: Date[] = [];
    for (const { start } of offered) if (!slots.length || start.getTime() - slots.at(-1)!.getTime() >= 30 * 60_000) slots.push(start);
    assert.ok(slots.length >= RUNS, `only ${slots.length} slots`);

    const winnersPerRun: number[] = [];
    const unexpected: string[] = [];
    const startedAt = Date.now();
    for (const start of slots.slice(0, RUNS)) {
      const results = await Promise.allSettled(
        Array.from({ length: BOOKERS }, () =>
          scheduler.book({ businessId: business.id, serviceId: 'cut', staffId: 'anna', start, customer: { phone: nextPhone(), name: 'Pat' }, channel: 'sms' }),
        ),
      );
      winnersPerRun.push(results.filter((result) => result.status === 'fulfilled').length);
      for (const result of results) {
        if (result.status === 'rejected' && !(result.reason instanceof SlotTaken)) unexpected.push(String(result.reason));
      }
    }
    const [overlaps] = await h.db.dataSource.query(OVERLAP_AUDIT);
    const [bookings] = await h.db.dataSource.query(`SELECT count(*)::int AS n FROM bookings`);
    const [confirmations] = await h.db.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE kind = 'confirmation'`);
    const exactlyOne = winnersPerRun.filter((winners) => winners === 1).length;

    report(
      5,
      `${BOOKERS} bookers × ${RUNS} runs: runs with exactly 1 winner ${exactlyOne}/${RUNS} (max ${Math.max(...winnersPerRun)}), ` +
        `other errors ${unexpected.length}, bookings ${bookings.n}, confirmations ${confirmations.n}, overlap audit ${overlaps.n} rows, ${Math.round((Date.now() - startedAt) / 1000)} s`,
    );
    assert.deepEqual(unexpected.slice(0, 3), []);
    assert.equal(exactlyOne, RUNS);
    assert.equal(overlaps.n, 0);
    assert.equal(bookings.n, RUNS);
    assert.equal(confirmations.n, RUNS);
  });
});
