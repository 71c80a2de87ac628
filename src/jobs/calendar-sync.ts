import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { BusinessDirectory } from '../config/business-directory.js';
import type { CalendarProvider } from '../scheduling/calendar-provider.js';
import { findBooking } from '../scheduling/booking-store.js';

export interface CalendarSyncDependencies {
  dataSource: DataSource;
  businesses: BusinessDirectory;
  calendar: CalendarProvider;
  logger: Logger;
  /**
   * A row left `sending` this long belongs to a worker that died mid-call: take it over. The job
   * runtime passes its outbox lease, as for every other row. Default 5 minutes.
   */
  leaseMs?: number;
}

export type CalendarSyncResult = 'synced' | 'skipped' | 'retry-later';

const DEFAULT_LEASE_MS = 5 * 60_000;
const MAX_BACKOFF_SECONDS = 15 * 60;

/**
 * Applies one `calendar-sync` outbox row to the calendar. It mirrors the booking as it is now,
 * not as it was when the row was written, so rows may run in any order, twice, or after a crash:
 * puts and deletes are idempotent (a deterministic event id; "already there" / "already gone"
 * are success). On failure the row goes back to pending with exponential backoff; the booking in
 * Postgres stands regardless.
 */
export async function runCalendarSync(deps: CalendarSyncDependencies, outboxId: string): Promise<CalendarSyncResult> {
  const claimed: { booking_id: string | null; attempts: number }[] = await deps.dataSource.query(
    // Wrapped in a CTE because TypeORM returns [rows, count] for a bare UPDATE … RETURNING.
    `WITH claimed AS (
       UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND kind = 'calendar-sync'
          AND (status IN ('pending', 'queued') OR (status = 'sending' AND updated_at < now() - make_interval(secs => $2::float8 / 1000)))
        RETURNING booking_id, attempts)
     SELECT booking_id, attempts FROM claimed`,
    [outboxId, deps.leaseMs ?? DEFAULT_LEASE_MS],
  );
  const row = claimed[0];
  if (!row) return 'skipped';

  try {
    const eventId = row.booking_id ? await mirrorBooking(deps, row.booking_id) : undefined;
    await deps.dataSource.query(
      `UPDATE outbox SET status = 'sent', provider_id = $2, last_error = NULL, updated_at = now() WHERE id = $1`,
      [outboxId, eventId ?? null],
    );
    return 'synced';
  } catch (error) {
    const backoffSeconds = Math.min(MAX_BACKOFF_SECONDS, 2 ** row.attempts * 5);
    await deps.dataSource.query(
      `UPDATE outbox SET status = 'pending', last_error = $2, updated_at = now(),
              available_at = now() + make_interval(secs => $3)
        WHERE id = $1`,
      [outboxId, (error as Error).message.slice(0, 500), backoffSeconds],
    );
    deps.logger.warn({ err: error, outboxId, attempts: row.attempts }, 'calendar sync failed; will retry');
    return 'retry-later';
  }
}

/** Puts or deletes the booking's event; undefined when its staff member has no calendar. */
async function mirrorBooking(deps: CalendarSyncDependencies, bookingId: string): Promise<string | undefined> {
  const booking = await findBooking(deps.dataSource.manager, bookingId);
  if (!booking) return undefined;
  const business = deps.businesses.get(booking.businessId);
  const member = business?.staff.find((candidate) => candidate.id === booking.staffId);
  const service = business?.services.find((candidate) => candidate.id === booking.serviceId);
  if (!business || !member?.calendarId || !service) return undefined;

  if (booking.status === 'cancelled') {
    await deps.calendar.deleteEvent(member.calendarId, booking.id);
    return undefined;
  }
  const eventId = await deps.calendar.putEvent({
    bookingId: booking.id,
    calendarId: member.calendarId,
    start: booking.start,
    end: booking.end,
    timeZone: business.timeZone,
    summary: `${service.name} with ${member.name}`,
    description: `Booked through Frontdesk (${booking.channel}).`,
  });
  await deps.dataSource.query(`UPDATE bookings SET calendar_event_id = $2 WHERE id = $1`, [booking.id, eventId]);
  return eventId;
}

/** Ids of calendar-sync rows due now, oldest first. */
export async function dueCalendarSyncs(dataSource: DataSource, limit = 20): Promise<string[]> {
  const rows: { id: string }[] = await dataSource.query(
    `SELECT id FROM outbox
      WHERE kind = 'calendar-sync' AND status IN ('pending', 'queued') AND available_at <= now()
      ORDER BY available_at LIMIT $1`,
    [limit],
  );
  return rows.map((row) => row.id);
}
