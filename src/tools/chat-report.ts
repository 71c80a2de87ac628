import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import type { Business } from '../config/business-schema.js';

/**
 * What the conversation left in the database for this customer: their most recently changed
 * bookings, so a simulator run shows its effect without a SQL client.
 */
export async function describeBookings(dataSource: DataSource, business: Business, phone: string): Promise<string> {
  const rows: { id: string; status: string; starts_at: Date; service: string; staff: string }[] =
    await dataSource.query(
      `SELECT b.id, b.status, b.starts_at, s.name AS service, st.name AS staff
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
      return `booking ${row.id}: ${row.service} with ${row.staff}, ${when} ${business.timeZone}, ${row.status}`;
    })
    .join('\n');
}

const FINAL = new Set(['sent', 'cancelled', 'failed']);

/**
 * Where the written confirmation of the customer's latest booking ended up: the worker composes
 * it into a text (and an email when we have their address) and sends it. Waits up to `waitMs`
 * for the text to be sent, refused, or recorded as not sent (no Twilio account).
 */
export async function describeConfirmation(dataSource: DataSource, business: Business, phone: string, waitMs = 10_000): Promise<string> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const rows: { status: string; last_error: string | null; provider_id: string | null; kind: string }[] = await dataSource.query(
      `SELECT t.status, t.last_error, t.provider_id, t.kind
         FROM bookings b
         JOIN customers c ON c.id = b.customer_id
         JOIN outbox o ON o.booking_id = b.id AND o.kind = 'confirmation'
         JOIN outbox t ON t.dedupe_key = o.id || ':text'
        WHERE b.business_id = $1 AND c.phone = $2
        ORDER BY o.created_at DESC LIMIT 1`,
      [business.id, phone],
    );
    const text = rows[0];
    if (text && FINAL.has(text.status)) {
      const how = text.status === 'sent' ? `sent (${text.provider_id})` : `${text.status}: ${text.last_error ?? 'no reason recorded'}`;
      return `confirmation ${text.kind} to ${phone}: ${how}`;
    }
    if (Date.now() > deadline) return `confirmation text to ${phone}: ${text ? `still ${text.status}` : 'not composed yet'} after ${waitMs / 1000} s`;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
