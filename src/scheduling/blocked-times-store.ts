import type { EntityManager } from 'typeorm';
import type { BlockedTime } from './availability-engine.js';

/** Reading the live bookings' blocked times (their ranges with buffers) for the availability engine. */

/** Live bookings and their buffers, for the engine, overlapping `[from, to)` (a day either side). */
export async function loadBlockedTimes(
  manager: EntityManager,
  businessId: string,
  window: { from: Date; to: Date },
  exceptBookingId?: string,
): Promise<BlockedTime[]> {
  const rows: BlockedRow[] = await manager.query(`${SELECT_BLOCKED} AND ($4::uuid IS NULL OR b.id <> $4::uuid)`, [
    businessId,
    window.from,
    window.to,
    exceptBookingId ?? null,
  ]);
  return rows.map(toBlockedTime);
}

/**
 * Live bookings' blocked times overlapping exactly `[from, to)`, no margin: what the in-memory
 * copy (`BlockedTimesCache`) holds for a business.
 */
export async function loadBlockedTimesOverlapping(manager: EntityManager, businessId: string, range: { from: Date; to: Date }): Promise<BlockedTime[]> {
  const rows: BlockedRow[] = await manager.query(
    `SELECT st.key AS staff_key, lower(b.during) AS blocked_from, upper(b.during) AS blocked_to
       FROM bookings b JOIN staff st ON st.id = b.staff_id
      WHERE b.business_id = $1 AND b.status <> 'cancelled' AND b.during && tstzrange($2, $3)`,
    [businessId, range.from, range.to],
  );
  return rows.map(toBlockedTime);
}

const SELECT_BLOCKED = `
  SELECT st.key AS staff_key, lower(b.during) AS blocked_from, upper(b.during) AS blocked_to
    FROM bookings b JOIN staff st ON st.id = b.staff_id
   WHERE b.business_id = $1 AND b.status <> 'cancelled'
     AND b.during && tstzrange($2::timestamptz - interval '1 day', $3::timestamptz + interval '1 day')`;

export interface BlockedRow {
  staff_key: string;
  blocked_from: Date;
  blocked_to: Date;
}

export function toBlockedTime(row: BlockedRow): BlockedTime {
  return { staffId: row.staff_key, kind: 'booking', start: new Date(row.blocked_from).getTime(), end: new Date(row.blocked_to).getTime() };
}
