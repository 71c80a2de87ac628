import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { findAvailableSlots, type BlockedTime } from '../../src/scheduling/availability-engine.js';
import { businessDay } from '../../src/scheduling/working-hours.js';
import { testBusiness } from '../support/business-fixture.js';

const MINUTE = 60_000;
const days = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const zones = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata'];
const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const daySchedule = fc.oneof(
  fc.constant('closed' as const),
  fc
    .record({ open: fc.integer({ min: 0, max: 20 * 4 }), length: fc.integer({ min: 4, max: 14 * 4 }), lunch: fc.boolean() })
    .map(({ open, length, lunch }) => {
      const start = open * 15;
      const end = Math.min(start + length * 15, 23 * 60 + 45);
      const middle = Math.floor((start + end) / 2 / 15) * 15;
      const breaks = lunch && end - start >= 120 ? [{ start: hhmm(middle), end: hhmm(middle + 30) }] : [];
      return { open: hhmm(start), close: hhmm(end), breaks };
    }),
);

const scenario = fc.record({
  zone: fc.constantFrom(...zones),
  hours: fc.array(daySchedule, { minLength: 7, maxLength: 7 }),
  interval: fc.constantFrom(5, 10, 15, 20, 30, 60),
  duration: fc.integer({ min: 1, max: 12 }).map((n) => n * 10),
  bufferBefore: fc.constantFrom(0, 5, 10, 15),
  bufferAfter: fc.constantFrom(0, 5, 10, 15),
  notice: fc.constantFrom(0, 30, 120, 24 * 60),
  horizon: fc.integer({ min: 1, max: 20 }),
  closedOffset: fc.integer({ min: 0, max: 10 }),
  // Around DST changes in either hemisphere, and ordinary weeks.
  now: fc.constantFrom('2026-03-05T10:00:00Z', '2026-03-26T23:00:00Z', '2026-10-01T04:30:00Z', '2026-10-22T12:00:00Z', '2026-06-10T09:10:00Z'),
  bookings: fc.array(
    fc.record({ staff: fc.constantFrom('anna', 'ben'), hour: fc.integer({ min: 0, max: 24 * 14 }), minutes: fc.integer({ min: 15, max: 180 }), busy: fc.boolean() }),
    { maxLength: 25 },
  ),
  staffId: fc.constantFrom(undefined, 'anna', 'ben'),
});

describe('availability engine properties (random businesses and bookings)', () => {
  it('never offers a slot outside hours, in a closure, overlapping a booking or busy time with buffers, inside the notice, beyond the horizon, or off the grid', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const now = Date.parse(s.now);
        const closedDate = DateTime.fromMillis(now, { zone: s.zone }).plus({ days: s.closedOffset }).toISODate()!;
        let business;
        try {
          business = testBusiness((draft) => {
            draft.timeZone = s.zone;
            draft.weeklyHours = Object.fromEntries(days.map((day, i) => [day, s.hours[i]]));
            draft.closures = [{ date: closedDate }];
            draft.services = [
              { id: 'cut', name: 'Cut', durationMinutes: s.duration, bufferBeforeMinutes: s.bufferBefore, bufferAfterMinutes: s.bufferAfter, staff: ['anna', 'ben'] },
            ];
            draft.bookingRules = { minimumNoticeMinutes: s.notice, horizonDays: s.horizon, slotIntervalMinutes: s.interval };
          });
        } catch {
          fc.pre(false); // every day closed: the schema rightly refuses such a business
          return;
        }
        const blocked: BlockedTime[] = s.bookings.map((b) => ({
          staffId: b.staff,
          kind: b.busy ? 'busy' : 'booking',
          start: now + b.hour * 60 * MINUTE,
          end: now + b.hour * 60 * MINUTE + b.minutes * MINUTE,
        }));
        const slots = findAvailableSlots({
          business,
          serviceId: 'cut',
          staffId: s.staffId,
          from: new Date(now - 2 * 86_400_000),
          to: new Date(now + 25 * 86_400_000),
          now: new Date(now),
          blocked,
        });

        for (const slot of slots) {
          const start = slot.start.getTime();
          const end = slot.end.getTime();
          const local = DateTime.fromMillis(start, { zone: s.zone });
          const localEnd = DateTime.fromMillis(end, { zone: s.zone });
          const date = local.toISODate()!;
          const what = `${slot.staffId} ${local.toISO()} (${s.zone})`;
          assert.ok(start >= now + s.notice * MINUTE, `inside the notice period: ${what}`);
          assert.ok(start <= now + s.horizon * 86_400_000, `beyond the horizon: ${what}`);
          assert.equal((local.hour * 60 + local.minute) % s.interval, 0, `off the grid: ${what}`);
          assert.equal(end - start, s.duration * MINUTE);
          assert.notEqual(date, closedDate, `on a closure: ${what}`);
          const hours = businessDay(business, date);
          assert.notEqual(hours, 'closed', `on a closed day: ${what}`);
          if (hours === 'closed') return;
          // Strict on the wall clock, except on the two DST-change days of a year, where a day has
          // 23 or 25 hours and readings jump: there an hour's slack (the DST tests pin those down).
          const dayStart = DateTime.fromISO(date, { zone: s.zone });
          const slack = dayStart.offset !== dayStart.plus({ days: 1 }).offset ? 60 : 0;
          const startMin = local.hour * 60 + local.minute;
          const endMin = localEnd.toISODate() === date ? localEnd.hour * 60 + localEnd.minute : 24 * 60;
          const [openH, openM] = hours.open.split(':').map(Number);
          const [closeH, closeM] = hours.close.split(':').map(Number);
          assert.ok(startMin >= openH! * 60 + openM! - slack, `before opening: ${what}`);
          assert.ok(endMin <= closeH! * 60 + closeM! + slack, `after closing: ${what}`);
          for (const pause of hours.breaks) {
            const [bsH, bsM] = pause.start.split(':').map(Number);
            const [beH, beM] = pause.end.split(':').map(Number);
            const skipped = local.offset !== localEnd.offset; // the break fell in the jumped hour
            assert.ok(skipped || endMin <= bsH! * 60 + bsM! || startMin >= beH! * 60 + beM!, `in a break: ${what}`);
          }
          const padded = { start: start - s.bufferBefore * MINUTE, end: end + s.bufferAfter * MINUTE };
          for (const time of blocked) {
            if (time.staffId !== slot.staffId) continue;
            assert.ok(padded.end <= time.start || padded.start >= time.end, `overlaps a ${time.kind}: ${what}`);
          }
        }
        const starts = slots.map((slot) => slot.start.getTime());
        assert.deepEqual(starts, [...starts].sort((a, b) => a - b), 'in time order');
        if (!s.staffId) assert.equal(new Set(starts).size, starts.length, 'anyone: one slot per time');
      }),
      { numRuns: 300 },
    );
  });
});
