import type { Business } from '../config/business-schema.js';
import type { BookingChannel } from '../storage/entities/booking.js';
import { templateVariables, textFor, type BookingFacts, type BookingNotice } from './booking-messages.js';
import type { CustomerContact } from './booking-context.js';

const WHATSAPP_WINDOW_MS = 24 * 3_600_000;

const templateOf: Record<BookingNotice, 'confirmation' | 'reschedule' | 'cancellation' | 'reminder'> = {
  booked: 'confirmation',
  rescheduled: 'reschedule',
  cancelled: 'cancellation',
  reminder: 'reminder',
};

/** An outbox row for one outbound text: its kind is the channel, its payload what the sender needs. */
export interface TextRoute {
  kind: 'sms' | 'whatsapp';
  payload: {
    to: string;
    from: string;
    body: string;
    template?: { contentSid: string; variables: Record<string, string> };
    customerId: string;
    /** Why a WhatsApp customer gets an SMS instead (recorded on the row). */
    fallbackReason?: string;
  };
}

/**
 * How a booking notice reaches the customer's phone: on the channel they booked through (voice
 * and admin bookings get an SMS). WhatsApp outside the customer's 24-hour window allows only the
 * business's approved template; without one, the notice goes by SMS and the row says why.
 */
export function routeText(
  business: Business,
  channel: BookingChannel,
  customer: CustomerContact,
  notice: BookingNotice,
  facts: BookingFacts,
  now: Date,
): TextRoute | undefined {
  if (!customer.phone) return undefined;
  const body = textFor(notice, facts);
  const base = { to: customer.phone, body, customerId: customer.id };
  let fallbackReason: string | undefined;
  if (channel === 'whatsapp') {
    const from = business.messaging.whatsappFrom;
    const inWindow =
      customer.lastWhatsappInboundAt !== null && now.getTime() - customer.lastWhatsappInboundAt.getTime() < WHATSAPP_WINDOW_MS;
    const contentSid = business.messaging.whatsappTemplates?.[templateOf[notice]];
    if (from && inWindow) return { kind: 'whatsapp', payload: { ...base, from } };
    if (from && contentSid) {
      return { kind: 'whatsapp', payload: { ...base, from, template: { contentSid, variables: templateVariables(facts) } } };
    }
    fallbackReason = from
      ? `outside the WhatsApp 24-hour window and no ${templateOf[notice]} template configured`
      : 'the business has no WhatsApp sender (messaging.whatsappFrom)';
  }
  const from = business.messaging.smsFrom ?? business.phoneNumbers[0]!;
  return { kind: 'sms', payload: { ...base, from, ...(fallbackReason ? { fallbackReason } : {}) } };
}
