import type { Interval } from './interval.js';

/** What a calendar needs to show one booking. Times are UTC instants. */
export interface CalendarEvent {
  /** Our booking id; the provider derives its own event id from it deterministically. */
  bookingId: string;
  /** The staff member's calendar (Google: the calendar id, usually an email address). */
  calendarId: string;
  start: Date;
  end: Date;
  /** The business's IANA zone, so the event renders in local time. */
  timeZone: string;
  summary: string;
  description?: string;
}

/**
 * The business's external calendar. Postgres is the source of truth for bookings; a provider
 * mirrors them (put/delete, both idempotent) and reports times the staff are busy for reasons we
 * do not know about (busyTimes), which the availability engine honours.
 */
export interface CalendarProvider {
  readonly name: 'local' | 'google';
  /** Busy intervals for each calendar id within `[from, to)`; ids with none map to `[]`. */
  busyTimes(calendarIds: readonly string[], from: Date, to: Date): Promise<Map<string, Interval[]>>;
  /** Creates the booking's event, or updates it if it exists. Returns the provider's event id. */
  putEvent(event: CalendarEvent): Promise<string>;
  /** Removes the booking's event; an event already gone counts as removed. */
  deleteEvent(calendarId: string, bookingId: string): Promise<void>;
}
