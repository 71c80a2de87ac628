import type { Business, DaySchedule, StaffMember } from '../config/business-schema.js';
import { intersectIntervals, subtractIntervals, type Interval } from './interval.js';
import { localMidnight, minutesOf, weekdayOf, type LocalClock } from './local-time.js';

const MINUTE_MS = 60_000;

/** Whether a closure (a single date or an inclusive range) shuts the business on `date`. */
export function isClosed(business: Business, date: string): boolean {
  return business.closures.some((closure) =>
    'date' in closure ? closure.date === date : closure.from <= date && date <= closure.to,
  );
}

/** The business's own schedule on a date: closures win, then a date override, then the week. */
export function businessDay(business: Business, date: string): DaySchedule {
  if (isClosed(business, date)) return 'closed';
  const override = business.dateOverrides.find((candidate) => candidate.date === date);
  if (override) return 'closed' in override ? 'closed' : override;
  return business.weeklyHours[weekdayOf(date)];
}

/** A day's schedule as UTC intervals: open→close minus breaks, read on that date's wall clock. */
function dayIntervals(schedule: DaySchedule, date: string, clock: LocalClock): Interval[] {
  if (schedule === 'closed') return [];
  const midnight = localMidnight(date);
  const at = (time: string) => clock.toUtcAtOrAfter(midnight + minutesOf(time) * MINUTE_MS);
  const open = [{ start: at(schedule.open), end: at(schedule.close) }];
  const breaks = schedule.breaks
    .map((range) => ({ start: at(range.start), end: at(range.end) }))
    .sort((a, b) => a.start - b.start);
  return subtractIntervals(open, breaks);
}

/**
 * When a staff member works on a local date, as UTC intervals: their own weekly hours
 * intersected with the business's hours that day (so closures and overrides apply to everyone).
 */
export function workingIntervals(business: Business, member: StaffMember, date: string, clock: LocalClock): Interval[] {
  const business_ = dayIntervals(businessDay(business, date), date, clock);
  if (business_.length === 0) return [];
  const own = dayIntervals(member.hours[weekdayOf(date)], date, clock);
  return intersectIntervals(business_, own);
}
