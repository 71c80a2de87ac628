import assert from 'node:assert/strict';
import { findAvailableSlots, type BlockedTime, type Slot } from '../../src/scheduling/availability-engine.js';
import { testBusiness } from '../support/business-fixture.js';

const business = testBusiness();
/** Sunday 2026-03-01 08:00 in New York (EST, UTC-5): Monday is the 2nd. */
const now = new Date('2026-03-01T13:00:00Z');
const day = (date: string) => ({ from: new Date(`${date}T05:00:00Z`), to: new Date(`${date}T23:59:00-05:00`) });
/** "HH:MM" New York wall clock (EST) for the slots of a March 2026 day before the DST change. */
const clock = (slot: Slot) =>
  slot.start.toLocaleTimeString('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit' });

function slots(options: { serviceId?: string; staffId?: string; date?: string; blocked?: BlockedTime[]; at?: Date } = {}) {
  return findAvailableSlots({
    business,
    serviceId: options.serviceId ?? 'cut',
    staffId: options.staffId,
    ...day(options.date ?? '2026-03-02'),
    now: options.at ?? now,
    blocked: options.blocked ?? [],
  });
}

describe('availability engine', () => {
  it('offers every grid start inside working hours, skipping the break', () => {
    const times = slots({ staffId: 'anna' }).map(clock);
    assert.equal(times[0], '09:00');
    assert.equal(times.at(-1), '16:30');
    assert.ok(times.includes('11:30') && !times.includes('11:45') && !times.includes('12:30'), 'lunch 12:00-13:00');
    assert.ok(times.includes('13:00'));
    assert.equal(times.length, (3 * 60) / 15 - 1 + (4 * 60) / 15 - 1);
  });

  it('keeps the appointment and both buffers clear of an existing booking', () => {
    // Anna has a booking 10:00-11:00 whose own buffers are already in its blocked range.
    const blocked: BlockedTime[] = [
      { staffId: 'anna', kind: 'booking', start: Date.parse('2026-03-02T15:00:00Z'), end: Date.parse('2026-03-02T16:00:00Z') },
    ];
    const times = slots({ serviceId: 'colour', blocked }).map(clock);
    // Colour is 90 min with 10 min before and 15 after: it must end by 09:45 (+15 = 10:00)…
    assert.ok(times.includes('09:00') === false, '09:00 + 90 + 15 runs into 10:00');
    assert.ok(!times.some((time) => time > '08:00' && time < '11:15'), `got ${times.join(' ')}`);
    // After it, 11:15 + 90 min runs into lunch; 13:00 is first: its 10 min preparation may fall
    // in the break (buffers only keep bookings apart; the appointment itself stays in hours).
    assert.equal(times[0], '13:00');
  });

  it('honours minimum notice and the horizon', () => {
    const at = new Date('2026-03-02T14:20:00Z'); // 09:20 local Monday, 60 min notice → 10:20
    assert.equal(clock(slots({ staffId: 'anna', at })[0]!), '10:30');
    const far = findAvailableSlots({
      business,
      serviceId: 'cut',
      from: new Date('2026-04-10T00:00:00Z'),
      to: new Date('2026-04-11T00:00:00Z'),
      now,
      blocked: [],
    });
    assert.deepEqual(far, [], '40 days out is beyond the 30-day horizon');
  });

  it('offers nothing on a closure and the override hours on an override date', () => {
    const special = testBusiness((draft) => {
      draft.closures = [{ date: '2026-03-02' }];
      draft.dateOverrides = [{ date: '2026-03-03', open: '11:00', close: '12:00' }];
    });
    const on = (date: string) =>
      findAvailableSlots({ business: special, serviceId: 'cut', staffId: 'anna', ...day(date), now, blocked: [] }).map(clock);
    assert.deepEqual(on('2026-03-02'), []);
    assert.deepEqual(on('2026-03-03'), ['11:00', '11:15', '11:30']);
  });

  it('intersects staff hours with business hours', () => {
    const partTime = testBusiness((draft) => {
      (draft.staff as Record<string, unknown>[])[1]!.hours = { monday: { open: '08:00', close: '10:00' } };
    });
    const times = findAvailableSlots({ business: partTime, serviceId: 'cut', staffId: 'ben', ...day('2026-03-02'), now, blocked: [] }).map(clock);
    assert.deepEqual(times, ['09:00', '09:15', '09:30']);
  });

  it('for "anyone" gives each time to whoever has the fewest bookings that day, ties in config order', () => {
    const annaBusyMorning: BlockedTime[] = [
      { staffId: 'anna', kind: 'booking', start: Date.parse('2026-03-02T21:00:00Z'), end: Date.parse('2026-03-02T21:30:00Z') },
    ];
    const offered = slots({ blocked: annaBusyMorning });
    assert.ok(offered.every((slot) => slot.staffChoice === 'fewest-bookings'));
    assert.equal(offered[0]!.staffId, 'ben', 'Anna has a booking that day, Ben has none');
    assert.equal(new Set(offered.map((slot) => slot.start.getTime())).size, offered.length, 'one slot per time');
    assert.equal(slots()[0]!.staffId, 'anna', 'equal load: config order');
    const busyNotBookings = annaBusyMorning.map((time) => ({ ...time, kind: 'busy' as const }));
    assert.equal(slots({ blocked: busyNotBookings })[0]!.staffId, 'anna', 'calendar busy time is not a booking');
  });

  it('refuses an unknown service, an unknown staff member, and staff who do not do the service', () => {
    assert.throws(() => slots({ serviceId: 'perm' }), /no service "perm"/);
    assert.throws(() => slots({ staffId: 'zoe' }), /no staff member "zoe"/);
    assert.throws(() => slots({ serviceId: 'colour', staffId: 'ben' }), /Ben does not do Colour/);
  });
});
