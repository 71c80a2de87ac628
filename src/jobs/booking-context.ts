import type { EntityManager } from 'typeorm';
import type { BusinessDirectory } from '../config/business-directory.js';
import type { Business } from '../config/business-schema.js';
import { findBooking, type Booking } from '../scheduling/booking-store.js';
import type { BookingFacts } from './booking-messages.js';

export interface CustomerContact {
  id: string;
  phone: string | null;
  email: string | null;
  name: string | null;
  optedOutAt: Date | null;
  lastWhatsappInboundAt: Date | null;
}

export interface BookingContext {
  booking: Booking;
  business: Business;
  customer: CustomerContact;
  /** The words' facts for the booking as it is now; a notice about an earlier time overrides `start`. */
  facts: BookingFacts;
}

/** Everything a notice about a booking needs, read in the caller's transaction; undefined when any part is gone. */
export async function loadBookingContext(
  manager: EntityManager,
  businesses: BusinessDirectory,
  bookingId: string,
): Promise<BookingContext | undefined> {
  const booking = await findBooking(manager, bookingId);
  const business = booking && businesses.get(booking.businessId);
  if (!booking || !business) return undefined;
  const customer = await loadCustomer(manager, booking.customerId);
  if (!customer) return undefined;
  const service = business.services.find((candidate) => candidate.id === booking.serviceId);
  const member = business.staff.find((candidate) => candidate.id === booking.staffId);
  return {
    booking,
    business,
    customer,
    facts: {
      businessName: business.name,
      address: business.address,
      businessPhone: business.phoneNumbers[0]!,
      serviceName: service?.name ?? booking.serviceId,
      staffName: member?.name ?? booking.staffId,
      start: booking.start,
      timeZone: business.timeZone,
      customerName: customer.name ?? undefined,
    },
  };
}

export async function loadCustomer(manager: Pick<EntityManager, 'query'>, customerId: string): Promise<CustomerContact | undefined> {
  const rows: {
    id: string;
    phone: string | null;
    email: string | null;
    name: string | null;
    opted_out_at: Date | null;
    last_whatsapp_inbound_at: Date | null;
  }[] = await manager.query(
    `SELECT id, phone, email, name, opted_out_at, last_whatsapp_inbound_at FROM customers WHERE id = $1`,
    [customerId],
  );
  const row = rows[0];
  return (
    row && {
      id: row.id,
      phone: row.phone,
      email: row.email,
      name: row.name,
      optedOutAt: row.opted_out_at && new Date(row.opted_out_at),
      lastWhatsappInboundAt: row.last_whatsapp_inbound_at && new Date(row.last_whatsapp_inbound_at),
    }
  );
}
