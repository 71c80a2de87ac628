import assert from 'node:assert/strict';
import {
  bookAppointment,
  cancelAppointment,
  findUpcomingAppointments,
  rescheduleAppointment,
} from '../../src/scheduling/booking-service.js';
import { searchSlots } from '../../src/scheduling/scheduling-context.js';
import { SlotTaken } from '../../src/scheduling/slot-taken.js';
import { testBusiness } from '../support/business-fixture.js';
import { OVERLAP_AUDIT, nextPhone, schedulingHarness, type SchedulingHarness } from '../support/scheduling.js';

const business = testBusiness((draft) => {
  draft.bookingRules = { minimumNoticeMinutes: 60, horizonDays: 30, slotIntervalMinutes: 15, cancellationNoticeHours: 24 };
});
const now = new Date('2026-03-01T13:00:00Z'); // Sunday 08:00 New York
const at = (iso: string) => new Date(iso);
const MONDAY_10 = at('2026-03-02T15:00:00Z');

function request(start: Date, extra: Partial<Parameters<typeof bookAppointment>[1]> = {}) {
  return {
    businessId: business.id,
    serviceId: 'cut',
    staffId: 'anna',
    start,
    customer: { phone: nextPhone(), name: 'Pat' },
    channel: 'voice' as const,
    ...extra,
  };
}

async function rejection(promise: Promise<unknown>): Promise<SlotTaken> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SlotTaken) return error;
    throw error;
  }
  throw new Error('expected SlotTaken');
}

describe('booking service', () => {
  let h: SchedulingHarness;
  const count = async (sql: string, params: unknown[] = []) => (await h.db.dataSource.query(sql, params))[0].n as number;

  beforeEach(async () => {
    h = await schedulingHarness(business, { now });
  });
  afterEach(async () => h.drop());

  it('books a free slot and writes the calendar and confirmation jobs in the same transaction', async () => {
    const { booking, alreadyBooked } = await bookAppointment(h.context, request(MONDAY_10));
    assert.equal(alreadyBooked, false);
    assert.equal(booking.staffId, 'anna');
    assert.equal(booking.start.toISOString(), MONDAY_10.toISOString());
    assert.equal(booking.end.toISOString(), '2026-03-02T15:30:00.000Z');
    const jobs = await h.db.dataSource.query('SELECT kind FROM outbox WHERE booking_id = $1 ORDER BY kind', [booking.id]);
    assert.deepEqual(jobs.map((job: { kind: string }) => job.kind), ['calendar-sync', 'confirmation']);
  });

  it('returns the existing booking when the same request repeats in a conversation', async () => {
    const customer = { phone: nextPhone() };
    const first = await bookAppointment(h.context, request(MONDAY_10, { customer }));
    const again = await Promise.all([1, 2, 3].map(() => bookAppointment(h.context, request(MONDAY_10, { customer }))));
    assert.ok(again.every((result) => result.alreadyBooked && result.booking.id === first.booking.id));
    assert.equal(await count('SELECT count(*)::int AS n FROM bookings'), 1);
  });

  it('books a request sent ten times at once exactly once, named staff or anyone', async () => {
    for (const [index, staffId] of (['anna', undefined, 'ben', undefined] as const).entries()) {
      const customer = { phone: nextPhone() };
      const start = at(`2026-03-0${3 + index}T15:00:00Z`);
      const results = await Promise.all(Array.from({ length: 10 }, () => bookAppointment(h.context, request(start, { customer, staffId }))));
      assert.equal(new Set(results.map((result) => result.booking.id)).size, 1, `one booking (staff ${staffId ?? 'anyone'})`);
      assert.equal(results.filter((result) => !result.alreadyBooked).length, 1);
    }
    assert.equal(await count('SELECT count(*)::int AS n FROM bookings'), 4);
  });

  it('refuses a time that is not offered, with the nearest alternatives', async () => {
    const lunch = at('2026-03-02T17:15:00Z'); // 12:15, inside Monday's break
    const refused = await rejection(bookAppointment(h.context, request(lunch)));
    assert.equal(refused.reason, 'unavailable');
    assert.equal(refused.alternatives.length, 3);
    const offered = refused.alternatives.map((slot) => slot.start.toISOString());
    // 11:30 and 13:00 are 45 minutes away; of the two an hour away (11:15, 13:15) the earlier wins.
    assert.deepEqual(offered, ['2026-03-02T16:15:00.000Z', '2026-03-02T16:30:00.000Z', '2026-03-02T18:00:00.000Z']);
  });

  it('lets exactly one of 50 parallel bookers win the same slot, 100 times over', async function () {
    this.timeout(300_000);
    // A different slot each run: 100 of Anna's offered times, each 30 minutes after the last.
    const offered = await searchSlots(h.context, {
      businessId: business.id,
      serviceId: 'cut',
      staffId: 'anna',
      from: at('2026-03-02T05:00:00Z'),
      to: at('2026-03-28T05:00:00Z'),
    });
        const spaced: Date[] = [];
    for (const { start } of offered) if (!spaced.length || start.getTime() - spaced.at(-1)!.getTime() >= 30 * 60_000) spaced.push(start);
    assert.ok(spaced.length >= 100);
    for (const [run, slotStart] of spaced.slice(0, 100).entries()) {
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => bookAppointment(h.context, request(slotStart))),
      );
      const winners = results.filter((result) => result.status === 'fulfilled');
      assert.equal(winners.length, 1, `run ${run}: ${winners.length} winners`);
      for (const result of results) {
        if (result.status === 'fulfilled') continue;
        assert.ok(result.reason instanceof SlotTaken, String(result.reason));
        assert.ok(result.reason.alternatives.length > 0, 'losers are offered other times');
      }
    }
    assert.equal(await count(OVERLAP_AUDIT), 0);
    assert.equal(await count(`SELECT count(*)::int AS n FROM bookings`), 100);
  });

  it('for "anyone", gives parallel bookers each free staff member once, then refuses the rest', async () => {
    for (const start of [at('2026-03-02T15:00:00Z'), at('2026-03-02T16:00:00Z'), at('2026-03-03T15:00:00Z')]) {
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => bookAppointment(h.context, request(start, { staffId: undefined }))));
      const booked = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.booking.staffId] : []));
      assert.deepEqual(booked.sort(), ['anna', 'ben'], `at ${start.toISOString()}`);
      for (const result of results) if (result.status === 'rejected') assert.ok(result.reason instanceof SlotTaken, String(result.reason));
    }
    assert.equal(await count(OVERLAP_AUDIT), 0);
  });

  it('moves a booking keeping its id, and frees the old time only once the new one is held', async () => {
    const { booking } = await bookAppointment(h.context, request(MONDAY_10));
    const moved = await rescheduleAppointment(h.context, { bookingId: booking.id, start: at('2026-03-03T16:00:00Z') });
    assert.equal(moved.id, booking.id);
    assert.equal(moved.start.toISOString(), '2026-03-03T16:00:00.000Z');
    await bookAppointment(h.context, request(MONDAY_10)); // the old time is free again

    const blocker = await bookAppointment(h.context, request(at('2026-03-04T15:00:00Z')));
    // Not naming anyone lets the booking move to Ben, who is free then.
    const toBen = await rescheduleAppointment(h.context, { bookingId: moved.id, start: blocker.booking.start });
    assert.equal(toBen.staffId, 'ben');
    await rescheduleAppointment(h.context, { bookingId: moved.id, start: at('2026-03-03T16:00:00Z'), staffId: 'anna' });
    const refused = await rejection(
      rescheduleAppointment(h.context, { bookingId: moved.id, start: blocker.booking.start, staffId: 'anna' }),
    );
    assert.ok(refused.alternatives.length > 0);
    const [row] = await h.db.dataSource.query('SELECT starts_at FROM bookings WHERE id = $1', [moved.id]);
    assert.equal(new Date(row.starts_at).toISOString(), '2026-03-03T16:00:00.000Z', 'kept the appointment it had');
  });

  it('lets only one of two concurrent reschedules into the same slot win', async () => {
    const a = await bookAppointment(h.context, request(at('2026-03-02T15:00:00Z')));
    const b = await bookAppointment(h.context, request(at('2026-03-02T16:00:00Z')));
    const target = at('2026-03-03T15:00:00Z');
    for (let i = 0; i < 10; i += 1) {
      // Anna named: unnamed, a mover that starts after the other committed rightly goes to Ben.
      const results = await Promise.allSettled([
        rescheduleAppointment(h.context, { bookingId: a.booking.id, start: target, staffId: 'anna' }),
        rescheduleAppointment(h.context, { bookingId: b.booking.id, start: target, staffId: 'anna' }),
      ]);
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
      const winner = results.findIndex((result) => result.status === 'fulfilled');
      // Put the winner back so the next round races again.
      await rescheduleAppointment(h.context, {
        staffId: 'anna',
        bookingId: (winner === 0 ? a : b).booking.id,
        start: at(winner === 0 ? '2026-03-02T15:00:00Z' : '2026-03-02T16:00:00Z'),
      });
    }
    assert.equal(await count(OVERLAP_AUDIT), 0);
  });

  it('cancels, frees the time, flags a late cancellation, and is harmless twice', async () => {
    const { booking } = await bookAppointment(h.context, request(MONDAY_10));
    h.setNow(at('2026-03-02T05:00:00Z')); // 10 hours before, inside the 24-hour notice
    const cancelled = await cancelAppointment(h.context, booking.id);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.lateCancellation, true);
    assert.equal((await cancelAppointment(h.context, booking.id)).status, 'cancelled');
    assert.equal(await count(`SELECT count(*)::int AS n FROM outbox WHERE booking_id = $1 AND kind = 'confirmation'`, [booking.id]), 2);
    h.setNow(now);
    await bookAppointment(h.context, request(MONDAY_10));
  });

  it('refuses a booking with no way to reach the customer, and an unknown service, naming what is wrong', async () => {
    await assert.rejects(bookAppointment(h.context, request(MONDAY_10, { customer: {} })), /phone number, name or email/);
    await assert.rejects(bookAppointment(h.context, request(MONDAY_10, { serviceId: 'perm' })), /no service "perm"/);
    assert.equal(await count('SELECT count(*)::int AS n FROM bookings'), 0);
  });

  it('finds a customer\'s upcoming appointments, soonest first', async () => {
    const customer = { phone: nextPhone() };
    await bookAppointment(h.context, request(at('2026-03-04T15:00:00Z'), { customer }));
    await bookAppointment(h.context, request(at('2026-03-03T15:00:00Z'), { customer }));
    const upcoming = await findUpcomingAppointments(h.context, business.id, customer);
    assert.deepEqual(upcoming.map((booking) => booking.start.toISOString()), ['2026-03-03T15:00:00.000Z', '2026-03-04T15:00:00.000Z']);
    assert.deepEqual(await findUpcomingAppointments(h.context, business.id, { phone: nextPhone() }), []);
  });

  it('books every slot it offers (each one on its own)', async () => {
    await bookAppointment(h.context, request(at('2026-03-02T19:00:00Z'), { serviceId: 'colour' }));
    let booked = 0;
    for (const serviceId of ['cut', 'colour']) {
      const slots = await searchSlots(h.context, {
        businessId: business.id,
        serviceId,
        from: at('2026-03-02T05:00:00Z'),
        to: at('2026-03-03T05:00:00Z'),
      });
      assert.ok(slots.length > 0, `no ${serviceId} slots`);
      for (const slot of slots) {
        booked += 1;
        const { booking } = await bookAppointment(
          h.context,
          request(slot.start, { serviceId, staffId: slot.staffId }),
        );
        await cancelAppointment(h.context, booking.id);
      }
    }
    assert.ok(booked > 20, `only ${booked} slots offered`);
  });
});
