import type { DataSource } from 'typeorm';

export interface BookingListing {
  id: string;
  staffName: string;
  serviceName: string;
  customerName: string | null;
  customerPhone: string | null;
  startsAt: Date;
  endsAt: Date;
  status: 'confirmed' | 'cancelled';
  channel: string;
  lateCancellation: boolean;
}

/**
 * Bookings that have not ended (`upcoming`, soonest first) or have (`past`, latest first),
 * cancelled ones included so the owner sees what was cancelled.
 */
export async function listBookings(
  dataSource: DataSource,
  query: { businessId: string; when: 'upcoming' | 'past'; now: Date; limit: number },
): Promise<BookingListing[]> {
  const upcoming = query.when === 'upcoming';
  const rows: Record<string, unknown>[] = await dataSource.query(
    `SELECT b.id, st.name AS staff_name, sv.name AS service_name, cu.name AS customer_name, cu.phone AS customer_phone,
            b.starts_at, b.ends_at, b.status, b.channel, b.late_cancellation
       FROM bookings b
       JOIN staff st ON st.id = b.staff_id JOIN services sv ON sv.id = b.service_id JOIN customers cu ON cu.id = b.customer_id
      WHERE b.business_id = $1 AND ${upcoming ? 'b.ends_at > $2' : 'b.ends_at <= $2'}
      ORDER BY st.name, b.starts_at ${upcoming ? 'ASC' : 'DESC'} LIMIT $3`,
    [query.businessId, query.now, query.limit],
  );
  return rows.map((row) => ({
    id: row.id as string,
    staffName: row.staff_name as string,
    serviceName: row.service_name as string,
    customerName: row.customer_name as string | null,
    customerPhone: row.customer_phone as string | null,
    startsAt: new Date(row.starts_at as string),
    endsAt: new Date(row.ends_at as string),
    status: row.status as BookingListing['status'],
    channel: row.channel as string,
    lateCancellation: row.late_cancellation as boolean,
  }));
}

export interface MessageListing {
  id: string;
  channel: string;
  direction: 'inbound' | 'outbound';
  fromAddress: string;
  toAddress: string;
  body: string;
  status: string;
  errorCode: string | null;
  createdAt: Date;
}

/** The business's latest texts and emails, newest first, with their delivery status. */
export async function listMessages(dataSource: DataSource, businessId: string, limit: number): Promise<MessageListing[]> {
  const rows: Record<string, unknown>[] = await dataSource.query(
    `SELECT id, channel, direction, from_address, to_address, body, status, error_code, created_at
       FROM messages WHERE business_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
    [businessId, limit],
  );
  return rows.map((row) => ({
    id: row.id as string,
    channel: row.channel as string,
    direction: row.direction as MessageListing['direction'],
    fromAddress: row.from_address as string,
    toAddress: row.to_address as string,
    body: row.body as string,
    status: row.status as string,
    errorCode: row.error_code as string | null,
    createdAt: new Date(row.created_at as string),
  }));
}
