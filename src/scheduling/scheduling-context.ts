import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { Business } from '../config/business-schema.js';
import type { BusinessDirectory } from '../config/business-directory.js';
import type { Metrics } from '../observability/metrics.js';
import { findAvailableSlots, type BlockedTime, type Slot } from './availability-engine.js';
import type { CalendarProvider } from './calendar-provider.js';
import type { BlockedTimesCache } from './blocked-times-cache.js';
import { loadBlockedTimes } from './blocked-times-store.js';
import { SchedulingError } from './scheduling-errors.js';

/** What the scheduling use-cases need; built once at start. */
export interface SchedulingContext {
  dataSource: DataSource;
  businesses: BusinessDirectory;
  calendar: CalendarProvider;
  logger: Logger;
  metrics?: Pick<Metrics, 'bookingsTotal'>;
  /** The current instant; tests pin it. */
  now(): Date;
  /**
   * The businesses' blocked times in memory, kept fresh by the `bookings` NOTIFY (see
   * `createScheduler`); absent, every slot search reads Postgres. Bookings never rely on it.
   */
  blockedTimes?: BlockedTimesCache;
}

export function businessOf(context: SchedulingContext, businessId: string): Business {
  const business = context.businesses.get(businessId);
  if (!business) throw new SchedulingError('not_found', `no business "${businessId}"`);
  return business;
}

/**
 * Busy times from the staff's own calendars. A calendar that cannot be read degrades to
 * Postgres alone (logged), because refusing every booking while Google is down would be worse.
 */
export async function calendarBusyTimes(
  context: SchedulingContext,
  business: Business,
  window: { from: Date; to: Date },
): Promise<BlockedTime[]> {
  const withCalendars = business.staff.filter((member) => member.calendarId);
  if (withCalendars.length === 0) return [];
  const dayMs = 86_400_000;
  try {
    const busy = await context.calendar.busyTimes(
      withCalendars.map((member) => member.calendarId!),
      new Date(window.from.getTime() - dayMs),
      new Date(window.to.getTime() + dayMs),
    );
    return withCalendars.flatMap((member) =>
      (busy.get(member.calendarId!) ?? []).map((interval) => ({ ...interval, staffId: member.id, kind: 'busy' as const })),
    );
  } catch (error) {
    context.logger.warn({ err: error, businessId: business.id }, 'calendar busy times unavailable; using bookings only');
    return [];
  }
}

export interface SlotSearch {
  businessId: string;
  serviceId: string;
  staffId?: string | undefined;
  from: Date;
  to: Date;
}

/**
 * Bookable slots right now, from the bookings in Postgres (read through `manager`, so inside a
 * booking transaction they include its own view; otherwise from the in-memory copy when there is
 * a fresh one) and the calendars' busy times.
 */
export async function searchSlots(
  context: SchedulingContext,
  search: SlotSearch,
  options: { manager?: EntityManager; busy?: BlockedTime[]; exceptBookingId?: string } = {},
): Promise<Slot[]> {
  const business = businessOf(context, search.businessId);
  const window = { from: search.from, to: search.to };
  const fromMemory = context.blockedTimes && !options.manager && !options.exceptBookingId ? context.blockedTimes : undefined;
  const [bookings, busy] = await Promise.all([
    fromMemory
      ? fromMemory.blockedTimes(business.id, window)
      : loadBlockedTimes(options.manager ?? context.dataSource.manager, business.id, window, options.exceptBookingId),
    options.busy ?? calendarBusyTimes(context, business, window),
  ]);
  return findAvailableSlots({
    business,
    serviceId: search.serviceId,
    staffId: search.staffId,
    from: search.from,
    to: search.to,
    now: context.now(),
    blocked: [...bookings, ...busy],
  });
}
