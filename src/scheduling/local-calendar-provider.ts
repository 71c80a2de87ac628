import type { CalendarProvider } from './calendar-provider.js';

/**
 * The calendar when no Google credentials are configured: Postgres alone holds the bookings, so
 * there is nothing to mirror and nobody else to be busy for.
 */
export function createLocalCalendarProvider(): CalendarProvider {
  return {
    name: 'local',
    busyTimes: async (calendarIds) => new Map(calendarIds.map((id) => [id, []])),
    putEvent: async (event) => `local:${event.bookingId}`,
    deleteEvent: async () => {},
  };
}
