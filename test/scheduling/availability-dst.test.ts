import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { findAvailableSlots } from '../../src/scheduling/availability-engine.js';
import { testBusiness } from '../support/business-fixture.js';

const allDay = { open: '00:00', close: '23:45' };

function localTimes(timeZone: string, date: string, weekday: string, interval = 30) {
  const business = testBusiness((draft) => {
    draft.timeZone = timeZone;
    draft.weeklyHours = { [weekday]: allDay };
    draft.bookingRules = { minimumNoticeMinutes: 0, horizonDays: 365, slotIntervalMinutes: interval };
  });
  const start = DateTime.fromISO(date, { zone: timeZone });
  const slots = findAvailableSlots({
    business,
    serviceId: 'cut',
    staffId: 'anna',
    from: start.toJSDate(),
    to: start.plus({ days: 1 }).toJSDate(),
    now: new Date('2026-01-01T00:00:00Z'),
    blocked: [],
  });
  return slots.map((slot) => DateTime.fromJSDate(slot.start, { zone: timeZone }).toFormat('HH:mm ZZ'));
}

describe('availability across DST changes', () => {
  it('New York spring forward: no slot in the 02:00-03:00 gap, none lost around it', () => {
    const times = localTimes('America/New_York', '2026-03-08', 'sunday');
    assert.ok(times.includes('01:30 -05:00'));
    assert.ok(!times.some((time) => time.startsWith('02:')), times.slice(0, 8).join(','));
    assert.ok(times.includes('03:00 -04:00'));
    assert.equal(times.length, 48 - 2 - 1, '48 half hours, minus the 2 that do not exist, minus 23:45 close');
  });

  it('New York fall back: the repeated 01:00-02:00 hour is offered once', () => {
    const times = localTimes('America/New_York', '2026-11-01', 'sunday');
    assert.equal(times.filter((time) => time.startsWith('01:00')).length, 1);
    assert.equal(times.filter((time) => time.startsWith('01:30')).length, 1);
    assert.equal(new Set(times).size, times.length);
    assert.equal(times.length, 48 - 1);
  });

  it('London spring forward and fall back', () => {
    const spring = localTimes('Europe/London', '2026-03-29', 'sunday');
    assert.ok(!spring.some((time) => time.startsWith('01:')), 'the 01:00-02:00 hour does not exist');
    assert.ok(spring.includes('02:00 +01:00') && spring.includes('00:30 +00:00'));
    const autumn = localTimes('Europe/London', '2026-10-25', 'sunday');
    assert.equal(autumn.filter((time) => time.startsWith('01:')).length, 2, '01:00 and 01:30, once each');
  });

  it('keeps a 9:00 slot at 9:00 local on both sides of the change', () => {
    const business = testBusiness((draft) => {
      draft.bookingRules = { minimumNoticeMinutes: 0, horizonDays: 365, slotIntervalMinutes: 15 };
    });
    const firstSlot = (date: string) =>
      findAvailableSlots({
        business,
        serviceId: 'cut',
        staffId: 'ben',
        from: DateTime.fromISO(date, { zone: 'America/New_York' }).toJSDate(),
        to: DateTime.fromISO(date, { zone: 'America/New_York' }).plus({ days: 1 }).toJSDate(),
        now: new Date('2026-01-01T00:00:00Z'),
        blocked: [],
      })[0]!.start.toISOString();
    assert.equal(firstSlot('2026-03-06'), '2026-03-06T14:00:00.000Z', 'Friday before: 09:00 EST');
    assert.equal(firstSlot('2026-03-09'), '2026-03-09T13:00:00.000Z', 'Monday after: 09:00 EDT');
  });
});

describe('business hours that name a time the clocks skip', () => {
  it('close at the jump: hours 00:00-02:15 on New York spring-forward night end at 03:00 EDT', () => {
    const business = testBusiness((draft) => {
      draft.weeklyHours = { sunday: { open: '00:00', close: '02:15' }, monday: { open: '09:00', close: '17:00' } };
      draft.bookingRules = { minimumNoticeMinutes: 0, horizonDays: 365, slotIntervalMinutes: 15 };
    });
    const slots = findAvailableSlots({
      business,
      serviceId: 'cut',
      staffId: 'anna',
      from: new Date('2026-03-08T05:00:00Z'),
      to: new Date('2026-03-08T12:00:00Z'),
      now: new Date('2026-01-01T00:00:00Z'),
      blocked: [],
    });
    const last = slots.at(-1)!;
    assert.equal(last.end.toISOString(), '2026-03-08T07:00:00.000Z', 'last cut ends as the clocks jump (02:00 EST = 03:00 EDT)');
  });
});
