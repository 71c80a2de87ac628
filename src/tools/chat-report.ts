import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import type { Business } from '../config/business-schema.js';

/**
 * What the conversation left in the database for this customer: their most recently changed
 * bookings and where each one's written confirmation is (outbox status), so a simulator run
 * shows its effect without a SQL client.
 */
export async function describeBookings(dataSource: DataSource, business: Business, phone: string): Promise<string> {
  const rows: { id: string; status: string; starts_at: Date; service: string; staff: string; confirmation: string | null }[] =
    await dataSource.query(
      `SELECT b.id, b.status, b.starts_at, s.name AS service, st.name AS staff,
              (SELECT o.status FROM outbox o WHERE o.booking_id = b.id AND o.kind = 'confirmation'
                ORDER BY o.created_at DESC LIMIT 1) AS confirmation
         FROM bookings b
         JOIN customers c ON c.id = b.customer_id
         JOIN services s ON s.id = b.service_id
         JOIN staff st ON st.id = b.staff_id
        WHERE b.business_id = $1 AND c.phone = $2
        ORDER BY b.updated_at DESC LIMIT 3`,
      [business.id, phone],
    );
  if (rows.length === 0) return `no bookings for ${phone} at ${business.name}`;
  return rows
    .map((row) => {
      const when = DateTime.fromJSDate(row.starts_at, { zone: business.timeZone }).toFormat("ccc d LLL yyyy HH:mm");
      const confirmation = row.confirmation ? `confirmation ${row.confirmation}` : 'no confirmation';
      return `booking ${row.id}: ${row.service} with ${row.staff}, ${when} ${business.timeZone}, ${row.status}; ${confirmation}`;
    })
    .join('\n');
}
