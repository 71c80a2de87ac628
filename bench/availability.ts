import { findAvailableSlots, type BlockedTime } from '../src/scheduling/availability-engine.js';
import { businessSchema } from '../src/config/business-schema.js';
import { measure, report } from './measure.js';

/** A business with `staff` people who all do every service, open six days a week. */
function business(staff: number) {
  const ids = Array.from({ length: staff }, (_, i) => `staff-${i}`);
  return businessSchema.parse({
    id: 'bench',
    name: 'Bench Salon',
    phoneNumbers: ['+12125550100'],
    timeZone: 'America/New_York',
    address: '1 Main St',
    weeklyHours: Object.fromEntries(
      ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'].map((day) => [
        day,
        { open: '09:00', close: '19:00', breaks: [{ start: '13:00', end: '13:30' }] },
      ]),
    ),
    services: [{ id: 'cut', name: 'Cut', durationMinutes: 45, bufferAfterMinutes: 10, staff: ids }],
    staff: ids.map((id) => ({ id, name: id })),
    bookingRules: { minimumNoticeMinutes: 60, horizonDays: 120, slotIntervalMinutes: 15 },
    greeting: 'Hi',
  });
}

/** Every staff member about half booked: four one-hour bookings a day. */
function bookings(staff: number, days: number, now: number): BlockedTime[] {
  const blocked: BlockedTime[] = [];
  for (let s = 0; s < staff; s += 1) {
    for (let d = 0; d < days; d += 1) {
      for (const hour of [10, 12, 15, 17]) {
        const start = now + d * 86_400_000 + (hour - 9) * 3_600_000 + s * 900_000;
        blocked.push({ staffId: `staff-${s}`, kind: 'booking', start, end: start + 3_600_000 });
      }
    }
  }
  return blocked;
}

export function availabilityBench(): void {
  const now = Date.parse('2026-03-02T14:00:00Z');
  for (const [staff, days] of [
    [1, 7],
    [10, 30],
    [50, 90],
  ] as const) {
    const config = business(staff);
    const blocked = bookings(staff, days, now);
    const query = {
      business: config,
      serviceId: 'cut',
      from: new Date(now),
      to: new Date(now + days * 86_400_000),
      now: new Date(now),
      blocked,
    };
    const times = measure(() => findAvailableSlots(query), { warmup: 5, runs: staff * days > 1000 ? 30 : 200 });
    report(`availability_${staff}staff_${days}days`, times);
  }
}
