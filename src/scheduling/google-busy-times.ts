import type { calendar_v3 } from 'googleapis/build/src/apis/calendar/index.js';
import { DateTime, IANAZone } from 'luxon';
import type { Interval } from './interval.js';


/** The private extended property marking an event as the mirror of one of our bookings. */
export const BOOKING_ID_PROPERTY = 'frontdeskBookingId';
/**
 * When the event makes its calendar's owner busy: not our own booking's mirror, not free
 * (transparent), not cancelled, and not an invitation they declined (freeBusy skips those too).
 */
export function busyInterval(event: calendar_v3.Schema$Event, calendarZone: string | undefined): Interval | undefined {
  if (event.status === 'cancelled' || event.transparency === 'transparent') return undefined;
  if (event.extendedProperties?.private?.[BOOKING_ID_PROPERTY] !== undefined) return undefined;
  if (event.attendees?.some((attendee) => attendee.self === true && attendee.responseStatus === 'declined')) {
    return undefined;
  }
  const start = instant(event.start, calendarZone);
  const end = instant(event.end, calendarZone);
  return start !== undefined && end !== undefined && start < end ? { start, end } : undefined;
}

/**
 * A timed event's instant, or for an all-day event (`date`, the end date exclusive) the start of
 * that day where the event lives: its own zone, else its calendar's (events.list's `timeZone`).
 */
function instant(time: calendar_v3.Schema$EventDateTime | undefined, calendarZone: string | undefined): number | undefined {
  const text = time?.dateTime ?? time?.date;
  if (text === undefined || text === null) return undefined;
  const zone = [time?.timeZone, calendarZone].find((name) => name && IANAZone.isValidZone(name)) ?? 'UTC';
  const parsed = DateTime.fromISO(text, { zone });
  return parsed.isValid ? parsed.toMillis() : undefined;
}


/**
 * Busy times per (calendars, window) for `ttlMs` after they arrive. Concurrent askers of
 * the same key share one request; a failed request is not cached.
 */
export class BusyCache {
  private readonly entries = new Map<string, { expiresAt: number; value: Promise<Map<string, Interval[]>> }>();

  constructor(private readonly ttlMs: number) {}

  get(
    sortedIds: readonly string[],
    from: Date,
    to: Date,
    fetch: () => Promise<Map<string, Interval[]>>,
  ): Promise<Map<string, Interval[]>> {
    const now = Date.now();
    this.prune(now);
    const key = JSON.stringify([sortedIds, from.getTime(), to.getTime()]);
    const cached = this.entries.get(key);
    if (cached !== undefined) return cached.value;
    const entry = { expiresAt: Number.POSITIVE_INFINITY, value: fetch() };
    this.entries.set(key, entry);
    entry.value.then(
      () => {
        entry.expiresAt = Date.now() + this.ttlMs;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }

  /** After our own writes: the next availability check sees them. */
  clear(): void {
    this.entries.clear();
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}
