import type { Business, Service, StaffMember } from '../config/business-schema.js';
import { mergeIntervals, type Interval } from './interval.js';
import { DAY_MS, LocalClock, dateOfLocal, localMidnight } from './local-time.js';
import { SchedulingError } from './scheduling-errors.js';
import { workingIntervals } from './working-hours.js';

const MINUTE_MS = 60_000;

/** Time a staff member cannot take a new appointment, in epoch ms, buffers already included. */
export interface BlockedTime extends Interval {
  staffId: string;
  /** A booking of ours (counts towards "fewest bookings that day") or busy time from their calendar. */
  kind: 'booking' | 'busy';
}

export interface AvailabilityQuery {
  business: Business;
  serviceId: string;
  /** A staff member's id; absent means "anyone who does this service". */
  staffId?: string | undefined;
  /** Slot starts are looked for in `[from, to)`. */
  from: Date;
  to: Date;
  now: Date;
  blocked: readonly BlockedTime[];
}

export interface Slot {
  start: Date;
  /** start + the service's duration; buffers are not part of what the customer books. */
  end: Date;
  staffId: string;
  /** `requested` when the customer named them; `fewest-bookings` when we chose for "anyone". */
  staffChoice: 'requested' | 'fewest-bookings';
}

/** The range a booking of `service` starting at `start` keeps its staff member from other work. */
export function blockedRange(service: Service, start: number): Interval {
  return {
    start: start - service.bufferBeforeMinutes * MINUTE_MS,
    end: start + (service.durationMinutes + service.bufferAfterMinutes) * MINUTE_MS,
  };
}

export function findService(business: Business, serviceId: string): Service {
  const service = business.services.find((candidate) => candidate.id === serviceId);
  if (!service) {
    const known = business.services.map((candidate) => candidate.id).join(', ');
    throw new SchedulingError('unknown_service', `no service "${serviceId}" at ${business.id} (known: ${known})`);
  }
  return service;
}

function staffFor(business: Business, service: Service, staffId: string | undefined): StaffMember[] {
  if (staffId === undefined) return business.staff.filter((member) => service.staff.includes(member.id));
  const member = business.staff.find((candidate) => candidate.id === staffId);
  if (!member) throw new SchedulingError('unknown_staff', `no staff member "${staffId}" at ${business.id}`);
  if (!service.staff.includes(member.id)) {
    throw new SchedulingError('staff_cannot_perform', `${member.name} does not do ${service.name}`);
  }
  return [member];
}

/**
 * Bookable start times for a service, honouring staff hours and breaks, business hours,
 * closures and date overrides, duration, buffers on both sides (of the new booking and of every
 * existing one), minimum notice, horizon, the slot grid, existing bookings and calendar busy
 * times, all on the business's wall clock across DST changes.
 *
 * The grid is the business's wall clock: starts fall on minutes-since-local-midnight divisible
 * by the slot interval, so a 9:00 slot is 9:00 local on both sides of a DST change. A start in a
 * spring-forward gap does not exist; a start in the repeated fall-back hour is offered once.
 * Buffers may reach outside working hours (preparation before opening is the staff's call);
 * the appointment itself may not.
 */
export function findAvailableSlots(query: AvailabilityQuery): Slot[] {
  const { business } = query;
  const service = findService(business, query.serviceId);
  const staff = staffFor(business, service, query.staffId);
  const rules = business.bookingRules;
  const earliest = Math.max(query.from.getTime(), query.now.getTime() + rules.minimumNoticeMinutes * MINUTE_MS);
  const latest = Math.min(query.to.getTime(), query.now.getTime() + rules.horizonDays * DAY_MS);
  if (earliest >= latest) return [];

  const clock = LocalClock.of(business.timeZone);
  const dates = localDatesBetween(clock, earliest, latest);
  const blockedByStaff = groupByStaff(query.blocked);
  const perStaff = staff.map((member) => ({
    member,
    starts: startsFor(member, { business, service, clock, dates, earliest, latest, blocked: blockedByStaff.get(member.id) ?? [] }),
  }));

  if (query.staffId !== undefined) {
    return perStaff[0]!.starts.map((start) => toSlot(service, start, perStaff[0]!.member.id, 'requested'));
  }
  return pickLeastBusy(perStaff, service, clock, blockedByStaff);
}

interface StaffSearch {
  business: Business;
  service: Service;
  clock: LocalClock;
  dates: string[];
  earliest: number;
  latest: number;
  blocked: readonly BlockedTime[];
}

function startsFor(member: StaffMember, search: StaffSearch): number[] {
  const { service, clock } = search;
  const durationMs = service.durationMinutes * MINUTE_MS;
  const stepMs = search.business.bookingRules.slotIntervalMinutes * MINUTE_MS;
  const blocked = mergeIntervals(search.blocked);
  const starts: number[] = [];
  let next = 0; // index into `blocked`; candidate starts only grow, so it only moves forward

  for (const date of search.dates) {
    const midnight = localMidnight(date);
    for (const hours of workingIntervals(search.business, member, date, clock)) {
      // Walk the wall-clock grid of this date from the first point at or after the hours open.
      let local = midnight + Math.ceil((clock.toLocal(hours.start) - midnight) / stepMs) * stepMs;
      for (; ; local += stepMs) {
        const start = clock.toUtc(local);
        if (start === undefined) continue; // inside a spring-forward gap
        if (start + durationMs > hours.end) break;
        if (start < hours.start || start < search.earliest) continue;
        if (start >= search.latest) return starts;
        const wanted = blockedRange(service, start);
        while (next < blocked.length && blocked[next]!.end <= wanted.start) next += 1;
        const conflict = blocked[next];
        if (conflict && conflict.start < wanted.end) continue;
        starts.push(start);
      }
    }
  }
  return starts;
}

function groupByStaff(blocked: readonly BlockedTime[]): Map<string, BlockedTime[]> {
  const groups = new Map<string, BlockedTime[]>();
  for (const time of blocked) {
    const group = groups.get(time.staffId);
    if (group) group.push(time);
    else groups.set(time.staffId, [time]);
  }
  return groups;
}

/** For "anyone": one slot per start time, given to whoever has the fewest bookings that day. */
function pickLeastBusy(
  perStaff: { member: StaffMember; starts: number[] }[],
  service: Service,
  clock: LocalClock,
  blockedByStaff: Map<string, BlockedTime[]>,
): Slot[] {
  // Local day numbers, not date strings: this runs for every candidate of every staff member.
  const localDay = (utcMs: number) => Math.floor(clock.toLocal(utcMs) / DAY_MS);
  const chosen = new Map<number, { staffId: string; load: number }>();
  // perStaff is in config order, so on equal load the earlier staff member keeps the slot.
  for (const { member, starts } of perStaff) {
    const bookingsPerDay = new Map<number, number>();
    for (const time of blockedByStaff.get(member.id) ?? []) {
      if (time.kind !== 'booking') continue;
      const day = localDay(time.start);
      bookingsPerDay.set(day, (bookingsPerDay.get(day) ?? 0) + 1);
    }
    for (const start of starts) {
      const load = bookingsPerDay.get(localDay(start)) ?? 0;
      const current = chosen.get(start);
      if (!current || load < current.load) chosen.set(start, { staffId: member.id, load });
    }
  }
  return [...chosen.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, { staffId }]) => toSlot(service, start, staffId, 'fewest-bookings'));
}

function toSlot(service: Service, start: number, staffId: string, staffChoice: Slot['staffChoice']): Slot {
  return { start: new Date(start), end: new Date(start + service.durationMinutes * MINUTE_MS), staffId, staffChoice };
}

/** Every local date touched by `[from, to)`, with one day either side for overnight hours. */
function localDatesBetween(clock: LocalClock, from: number, to: number): string[] {
  const dates: string[] = [];
  const last = localMidnight(clock.localDate(to)) + DAY_MS;
  for (let day = localMidnight(clock.localDate(from)) - DAY_MS; day <= last; day += DAY_MS) dates.push(dateOfLocal(day));
  return dates;
}
