import { EntitySchema } from 'typeorm';
import { createdAt, text, timestamp, updatedAt, uuid, uuidPrimary } from './columns.js';

export type BookingStatus = 'confirmed' | 'cancelled';
export type BookingChannel = 'voice' | 'sms' | 'whatsapp' | 'admin';

export interface BookingRow {
  id: string;
  businessId: string;
  serviceId: string;
  staffId: string;
  customerId: string;
  /**
   * Postgres `tstzrange` text, half-open `[start,end)`: the appointment plus the service's
   * buffers, i.e. the time the staff member is kept from other work. The EXCLUDE constraint on
   * it is the no-double-booking guarantee.
   */
  during: string;
  /** The appointment itself, as the customer sees it. */
  startsAt: Date;
  endsAt: Date;
  status: BookingStatus;
  channel: BookingChannel;
  calendarEventId: string | null;
  /** Cancelled inside the business's cancellation notice: still allowed, flagged for the owner. */
  lateCancellation: boolean;
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
}

export const BookingEntity = new EntitySchema<BookingRow>({
  name: 'Booking',
  tableName: 'bookings',
  columns: {
    id: uuidPrimary,
    businessId: text('business_id'),
    serviceId: uuid('service_id'),
    staffId: uuid('staff_id'),
    customerId: uuid('customer_id'),
    during: { type: 'tstzrange' },
    startsAt: timestamp('starts_at'),
    endsAt: timestamp('ends_at'),
    status: text('status'),
    channel: text('channel'),
    calendarEventId: text('calendar_event_id', true),
    lateCancellation: { name: 'late_cancellation', type: 'boolean' },
    notes: text('notes', true),
    createdAt,
    updatedAt,
    cancelledAt: timestamp('cancelled_at', true),
  },
});
