import pino from 'pino';
import type { Business } from '../../src/config/business-schema.js';
import { BusinessDirectory } from '../../src/config/business-directory.js';
import type { CalendarProvider } from '../../src/scheduling/calendar-provider.js';
import { createLocalCalendarProvider } from '../../src/scheduling/local-calendar-provider.js';
import type { SchedulingContext } from '../../src/scheduling/scheduling-context.js';
import { syncBusinesses } from '../../src/storage/business-sync.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface SchedulingHarness {
  db: TestDatabase;
  context: SchedulingContext;
  /** Moves the pinned "now". */
  setNow(instant: Date): void;
  drop(): Promise<void>;
}

/** A migrated test database holding `business`, and a scheduling context over it. */
export async function schedulingHarness(
  business: Business,
  options: { now: Date; calendar?: CalendarProvider },
): Promise<SchedulingHarness> {
  const db = await createTestDatabase();
  await syncBusinesses(db.dataSource, [business]);
  let now = options.now;
  return {
    db,
    context: {
      dataSource: db.dataSource,
      businesses: new BusinessDirectory([business]),
      calendar: options.calendar ?? createLocalCalendarProvider(),
      logger: pino({ level: 'silent' }),
      now: () => now,
    },
    setNow(instant) {
      now = instant;
    },
    drop: () => db.drop(),
  };
}

let phoneCounter = 0;
/** A different valid US number on each call (the 555-01xx fictional range is too small). */
export function nextPhone(): string {
  phoneCounter += 1;
  return `+1212${String(2000000 + phoneCounter).slice(-7)}`;
}

/** Live bookings of one staff member that overlap: always zero rows, whatever happened. */
export const OVERLAP_AUDIT = `
  SELECT count(*)::int AS n FROM bookings a JOIN bookings b
    ON a.id < b.id AND a.staff_id = b.staff_id AND a.during && b.during
   WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'`;
