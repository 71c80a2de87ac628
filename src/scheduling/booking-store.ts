import type { EntityManager } from 'typeorm';
import type { BookingChannel, BookingStatus } from '../storage/entities/booking.js';
import type { BlockedTime } from './availability-engine.js';
import { toBlockedTime, type BlockedRow } from './blocked-times-store.js';
import type { Interval } from './interval.js';

/** A booking as the scheduling layer speaks of it: business keys for service and staff. */
export interface Booking {
  id: string;
  businessId: string;
  serviceId: string;
  staffId: string;
  customerId: string;
  start: Date;
  end: Date;
  status: BookingStatus;
  channel: BookingChannel;
  lateCancellation: boolean;
}

const SELECT_BOOKING = `
  SELECT b.id, b.business_id, sv.key AS service_key, st.key AS staff_key, b.customer_id,
         b.starts_at, b.ends_at, b.status, b.channel, b.late_cancellation
    FROM bookings b JOIN services sv ON sv.id = b.service_id JOIN staff st ON st.id = b.staff_id`;

interface BookingRow {
  id: string;
  business_id: string;
  service_key: string;
  staff_key: string;
  customer_id: string;
  starts_at: Date;
  ends_at: Date;
  status: BookingStatus;
  channel: BookingChannel;
  late_cancellation: boolean;
}

function toBooking(row: BookingRow): Booking {
  return {
    id: row.id,
    businessId: row.business_id,
    serviceId: row.service_key,
    staffId: row.staff_key,
    customerId: row.customer_id,
    start: new Date(row.starts_at),
    end: new Date(row.ends_at),
    status: row.status,
    channel: row.channel,
    lateCancellation: row.late_cancellation,
  };
}

/** Postgres 23P01: the bookings EXCLUDE constraint refused an overlapping live booking. */
export function isOverlapViolation(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } };
  return (e.driverError?.code ?? e.code) === '23P01';
}

/**
 * What a booking transaction reads once it holds the customer's lock, in one round trip: the
 * customer's live booking of this service at this start if they already made it (a repeated
 * request), and the blocked times around it (as `loadBlockedTimes`).
 */
export async function sameRequestAndBlockedTimes(
  manager: EntityManager,
  wanted: { customerId: string; businessId: string; serviceId: string; start: Date; window: { from: Date; to: Date } },
): Promise<{ existing: Booking | undefined; blocked: BlockedTime[] }> {
  const rows: ((BookingRow & { kind: 'same' }) | (BlockedRow & { kind: 'blocked' }))[] = await manager.query(
    `SELECT 'same' AS kind, b.id, b.business_id, sv.key AS service_key, st.key AS staff_key, b.customer_id,
            b.starts_at, b.ends_at, b.status, b.channel, b.late_cancellation,
            NULL::timestamptz AS blocked_from, NULL::timestamptz AS blocked_to
       FROM bookings b JOIN services sv ON sv.id = b.service_id JOIN staff st ON st.id = b.staff_id
      WHERE b.customer_id = $4 AND b.business_id = $1 AND sv.key = $5 AND b.starts_at = $6 AND b.status <> 'cancelled'
     UNION ALL
     SELECT 'blocked', NULL, NULL, NULL, st.key, NULL, NULL, NULL, NULL, NULL, NULL, lower(b.during), upper(b.during)
       FROM bookings b JOIN staff st ON st.id = b.staff_id
      WHERE b.business_id = $1 AND b.status <> 'cancelled'
        AND b.during && tstzrange($2::timestamptz - interval '1 day', $3::timestamptz + interval '1 day')`,
    [wanted.businessId, wanted.window.from, wanted.window.to, wanted.customerId, wanted.serviceId, wanted.start],
  );
  const same = rows.find((row) => row.kind === 'same');
  return {
    existing: same && toBooking(same as BookingRow),
    blocked: rows.filter((row) => row.kind === 'blocked').map((row) => toBlockedTime(row as BlockedRow)),
  };
}

export async function findBooking(manager: EntityManager, bookingId: string, lock = false): Promise<Booking | undefined> {
  const rows: BookingRow[] = await manager.query(`${SELECT_BOOKING} WHERE b.id = $1 ${lock ? 'FOR UPDATE OF b' : ''}`, [
    bookingId,
  ]);
  return rows[0] && toBooking(rows[0]);
}

export async function upcomingBookings(manager: EntityManager, businessId: string, customerId: string, now: Date): Promise<Booking[]> {
  const rows: BookingRow[] = await manager.query(
    `${SELECT_BOOKING} WHERE b.business_id = $1 AND b.customer_id = $2 AND b.status <> 'cancelled' AND b.ends_at > $3
      ORDER BY b.starts_at`,
    [businessId, customerId, now],
  );
  return rows.map(toBooking);
}

export interface NewBookingTimes {
  businessId: string;
  serviceId: string;
  staffId: string;
  start: Date;
  end: Date;
  /** The appointment plus its buffers. */
  blocked: Interval;
}

/**
 * Runs `write` inside a savepoint and reports an overlap as `false` instead of an aborted
 * transaction, so the caller can try another staff member in the same transaction.
 */
async function unlessOverlapping(manager: EntityManager, write: () => Promise<unknown>): Promise<boolean> {
  await manager.query('SAVEPOINT booking_attempt');
  try {
    await write();
    await manager.query('RELEASE SAVEPOINT booking_attempt');
    return true;
  } catch (error) {
    await manager.query('ROLLBACK TO SAVEPOINT booking_attempt');
    if (isOverlapViolation(error)) return false;
    throw error;
  }
}

/**
 * Serialises writes to one staff member's schedule until the transaction ends. The EXCLUDE
 * constraint alone is the guarantee, but concurrent inserts that conflict wait on each other's
 * uncommitted rows and deadlock; queued behind this lock, the later writer simply sees the
 * earlier one's committed booking and gets a clean 23P01.
 */
export async function lockStaffSchedule(manager: EntityManager, businessId: string, staffId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [scheduleLockKey(businessId, staffId)]);
}

function scheduleLockKey(businessId: string, staffId: string): string {
  return `schedule:${businessId}:${staffId}`;
}

/**
 * Inserts a confirmed booking; undefined when the database refuses it as overlapping.
 *
 * One round trip: the staff member's schedule lock (`lockStaffSchedule`) is taken by the same
 * statement before its row is inserted (the `lock` item is materialised, being volatile, and
 * the join yields nothing until it has run), and `ON CONFLICT DO NOTHING` turns the EXCLUDE
 * constraint's refusal into no row instead of an aborted transaction, so no savepoint is needed
 * to try another staff member. The constraint is still what refuses the overlap; bookings have no
 * other unique constraint that the clause could swallow (the id is generated).
 */
export async function insertBooking(
  manager: EntityManager,
  times: NewBookingTimes,
  details: { customerId: string; channel: BookingChannel; notes?: string | undefined },
): Promise<Booking | undefined> {
  const rows: { id: string; starts_at: Date; ends_at: Date; status: BookingStatus; late_cancellation: boolean }[] = await manager.query(
    `WITH lock AS (SELECT pg_advisory_xact_lock(hashtext($11)))
     INSERT INTO bookings (business_id, service_id, staff_id, customer_id, during, starts_at, ends_at, channel, notes)
     SELECT $1, sv.id, st.id, $4, tstzrange($5, $6, '[)'), $7, $8, $9, $10
       FROM lock, services sv, staff st
      WHERE sv.business_id = $1 AND sv.key = $2 AND st.business_id = $1 AND st.key = $3
     ON CONFLICT DO NOTHING
     RETURNING id, starts_at, ends_at, status, late_cancellation`,
    insertParameters(times, details),
  );
  const row = rows[0];
  if (row) {
    return {
      id: row.id,
      businessId: times.businessId,
      serviceId: times.serviceId,
      staffId: times.staffId,
      customerId: details.customerId,
      start: new Date(row.starts_at),
      end: new Date(row.ends_at),
      status: row.status,
      channel: details.channel,
      lateCancellation: row.late_cancellation,
    };
  }
  await assertKnown(manager, times);
  return undefined;
}

function insertParameters(times: NewBookingTimes, details: { customerId: string; channel: BookingChannel; notes?: string | undefined }): unknown[] {
  return [
    times.businessId,
    times.serviceId,
    times.staffId,
    details.customerId,
    new Date(times.blocked.start),
    new Date(times.blocked.end),
    times.start,
    times.end,
    details.channel,
    details.notes ?? null,
    scheduleLockKey(times.businessId, times.staffId),
  ];
}

/** After an insert that made no row: the overlap was refused, unless the service or staff member is unknown here. */
async function assertKnown(manager: EntityManager, times: NewBookingTimes): Promise<void> {
  const [known]: { n: number }[] = await manager.query(
    `SELECT count(*)::int AS n FROM services sv, staff st
      WHERE sv.business_id = $1 AND sv.key = $2 AND st.business_id = $1 AND st.key = $3`,
    [times.businessId, times.serviceId, times.staffId],
  );
  if (!known?.n) throw new Error(`service ${times.serviceId} or staff ${times.staffId} is not in the database; restart to sync business files`);
}

/**
 * `insertBooking` for a named staff member, unless the customer already made this request: one
 * round trip that finds the customer's live booking of this service at this start (then inserts
 * nothing and returns it as `existing`), or takes the staff member's schedule lock and inserts.
 * Undefined when the overlap was refused. The customer's requests must already be serialised
 * (their row locked by this transaction in an earlier statement): this statement's snapshot then
 * holds every booking an earlier request of theirs committed.
 */
export async function insertUnlessRepeated(
  manager: EntityManager,
  times: NewBookingTimes,
  details: { customerId: string; channel: BookingChannel; notes?: string | undefined },
): Promise<{ existing: Booking } | { inserted: Booking } | undefined> {
  const rows: (BookingRow & { kind: 'existing' | 'inserted' })[] = await manager.query(
    `WITH existing AS (
       ${SELECT_BOOKING}
        WHERE b.customer_id = $4 AND b.business_id = $1 AND sv.key = $2 AND b.starts_at = $7 AND b.status <> 'cancelled'
        LIMIT 1
     ), lock AS (
       SELECT pg_advisory_xact_lock(hashtext($11)) WHERE NOT EXISTS (SELECT 1 FROM existing)
     ), inserted AS (
       INSERT INTO bookings (business_id, service_id, staff_id, customer_id, during, starts_at, ends_at, channel, notes)
       SELECT $1, sv.id, st.id, $4, tstzrange($5, $6, '[)'), $7, $8, $9, $10
         FROM lock, services sv, staff st
        WHERE sv.business_id = $1 AND sv.key = $2 AND st.business_id = $1 AND st.key = $3
       ON CONFLICT DO NOTHING
       RETURNING id, business_id, customer_id, starts_at, ends_at, status, channel, late_cancellation
     )
     SELECT 'existing' AS kind, * FROM existing
     UNION ALL
     SELECT 'inserted', id, business_id, $2, $3, customer_id, starts_at, ends_at, status, channel, late_cancellation FROM inserted`,
    insertParameters(times, details),
  );
  const row = rows[0];
  if (row) return row.kind === 'existing' ? { existing: toBooking(row) } : { inserted: toBooking(row) };
  await assertKnown(manager, times);
  return undefined;
}

/** Moves a booking (keeping its id); false when the new range overlaps another live booking. */
export async function moveBooking(manager: EntityManager, bookingId: string, times: NewBookingTimes): Promise<boolean> {
  return unlessOverlapping(manager, () =>
    manager.query(
      `UPDATE bookings b SET staff_id = st.id, during = tstzrange($3, $4, '[)'), starts_at = $5, ends_at = $6,
              updated_at = now()
         FROM staff st
        WHERE b.id = $1 AND st.business_id = b.business_id AND st.key = $2`,
      [bookingId, times.staffId, new Date(times.blocked.start), new Date(times.blocked.end), times.start, times.end],
    ),
  );
}

export async function markCancelled(manager: EntityManager, bookingId: string, late: boolean): Promise<void> {
  await manager.query(
    `UPDATE bookings SET status = 'cancelled', cancelled_at = now(), late_cancellation = $2, updated_at = now()
      WHERE id = $1`,
    [bookingId, late],
  );
}
