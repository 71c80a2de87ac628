import type { EntityManager } from 'typeorm';
import type { BookingChannel } from '../storage/entities/booking.js';
import { upsertCustomer, type CustomerDetails } from '../storage/customers.js';
import { writeOutbox } from '../storage/outbox.js';
import { blockedRange, findAvailableSlots, findService, type BlockedTime, type Slot } from './availability-engine.js';
import {
  findBooking,
  insertBooking,
  insertUnlessRepeated,
  lockStaffSchedule,
  markCancelled,
  moveBooking,
  sameRequestAndBlockedTimes,
  upcomingBookings,
  type Booking,
  type NewBookingTimes,
} from './booking-store.js';
import { nearestSlots } from './nearest-slots.js';
import { businessOf, calendarBusyTimes, searchSlots, type SchedulingContext } from './scheduling-context.js';
import { SchedulingError } from './scheduling-errors.js';
import { SlotTaken } from './slot-taken.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface BookingRequest {
  businessId: string;
  serviceId: string;
  /** Absent: anyone who does the service. */
  staffId?: string | undefined;
  start: Date;
  customer: CustomerDetails;
  channel: BookingChannel;
  notes?: string;
}

export interface BookingResult {
  booking: Booking;
  /** True when the same customer had already booked this service at this time. */
  alreadyBooked: boolean;
}

/**
 * Books an appointment. The engine's check only decides whom to try; the database's EXCLUDE
 * constraint is the guarantee, and a refusal becomes `SlotTaken` with the nearest alternatives.
 */
export async function bookAppointment(context: SchedulingContext, request: BookingRequest): Promise<BookingResult> {
  const business = businessOf(context, request.businessId);
  findService(business, request.serviceId); // an unknown service is refused before anything is written
  const busy = await calendarBusyTimes(context, business, aroundStart(request.start));
  // A named staff member whose hours, the notice, the horizon and their calendar allow the time:
  // only other bookings could stand in the way, and the constraint refuses those by itself.
  const named = request.staffId ? slotAt(context, request, busy) : undefined;

  type Outcome = (BookingResult & { refused?: undefined }) | { refused: SlotTaken['reason'] };
  const outcome = await context.dataSource.transaction(async (manager): Promise<Outcome> => {
    const customerId = await upsertCustomer(manager, business.id, request.customer);
    if (!customerId) throw new SchedulingError('missing_customer', 'a booking needs the customer\'s phone number, name or email');
    // One customer's requests run one at a time, so a repeated request finds the first booking:
    // the upsert above holds the customer's row lock until this transaction ends (a customer with
    // a phone number is one row, updated by every request; one without is a new row each time,
    // so nothing to find), and what is read below, in later statements, is read after it.
    const details = { customerId, channel: request.channel, notes: request.notes };
    if (named) {
      const result = await insertUnlessRepeated(manager, bookingTimes(context, request, named), details);
      if (!result) return { refused: 'taken' };
      if ('existing' in result) return { booking: result.existing, alreadyBooked: true };
      await recordChange(manager, business.id, result.inserted.id, 'booked', request.start);
      return { booking: result.inserted, alreadyBooked: false };
    }
    const { existing, blocked } = await sameRequestAndBlockedTimes(manager, {
      customerId,
      businessId: business.id,
      serviceId: request.serviceId,
      start: request.start,
      window: { from: request.start, to: new Date(request.start.getTime() + 1) },
    });
    if (existing) return { booking: existing, alreadyBooked: true };

    const booking = await insertFirstFree(context, manager, request, [...blocked, ...busy], customerId);
    if ('refused' in booking) return booking;
    await recordChange(manager, business.id, booking.id, 'booked', request.start);
    return { booking, alreadyBooked: false };
  });
  // Our own change (or, on a refusal, someone else's we may not have heard of yet): searches
  // from here on read it, not the copy in memory.
  context.blockedTimes?.changed(business.id);

  if (outcome.refused) {
    context.metrics?.bookingsTotal.inc({ channel: request.channel, outcome: 'slot_taken' });
    throw new SlotTaken(outcome.refused, await alternativesTo(context, request));
  }
  if (!outcome.alreadyBooked) context.metrics?.bookingsTotal.inc({ channel: request.channel, outcome: 'booked' });
  return outcome;
}

export interface RescheduleRequest {
  bookingId: string;
  start: Date;
  /** Absent: the same staff member if free, otherwise anyone. */
  staffId?: string | undefined;
}

/**
 * Moves a booking in one transaction, keeping its id: the old time is given up only when the new
 * one is taken, so a refusal leaves the customer with the appointment they had.
 */
export async function rescheduleAppointment(context: SchedulingContext, request: RescheduleRequest): Promise<Booking> {
  const current = await liveBooking(context.dataSource.manager, request.bookingId);
  const business = businessOf(context, current.businessId);
  const busy = await calendarBusyTimes(context, business, aroundStart(request.start));
  const wanted = { businessId: business.id, serviceId: current.serviceId, start: request.start };

  const moved = await context.dataSource.transaction(async (manager) => {
    const booking = await liveBooking(manager, request.bookingId, true);
    const preferences = request.staffId ? [request.staffId] : [booking.staffId, undefined];
    for (const staffId of preferences) {
      const slot = await freeSlotAt(context, manager, { ...wanted, staffId }, busy, booking.id);
      if (!slot) continue;
      await lockStaffSchedule(manager, business.id, slot.staffId);
      if (!(await moveBooking(manager, booking.id, bookingTimes(context, wanted, slot)))) return undefined;
      await recordChange(manager, business.id, booking.id, 'rescheduled', request.start);
      return findBooking(manager, booking.id);
    }
    return undefined;
  });
  context.blockedTimes?.changed(business.id);

  if (!moved) {
    context.metrics?.bookingsTotal.inc({ channel: current.channel, outcome: 'slot_taken' });
    throw new SlotTaken('taken', await alternativesTo(context, { ...wanted, staffId: request.staffId ?? current.staffId }));
  }
  context.metrics?.bookingsTotal.inc({ channel: current.channel, outcome: 'rescheduled' });
  return moved;
}

/**
 * Cancels a booking and frees its time. Inside the business's cancellation notice it is still
 * allowed, but flagged for the owner. Cancelling twice is harmless.
 */
export async function cancelAppointment(context: SchedulingContext, bookingId: string): Promise<Booking> {
  const cancelled = await context.dataSource.transaction(async (manager) => {
    const booking = await findBooking(manager, bookingId, true);
    if (!booking) throw new SchedulingError('not_found', `no booking ${bookingId}`);
    if (booking.status === 'cancelled') return booking;
    const notice = businessOf(context, booking.businessId).bookingRules.cancellationNoticeHours * HOUR_MS;
    const late = booking.start.getTime() - context.now().getTime() < notice;
    await markCancelled(manager, booking.id, late);
    await recordChange(manager, booking.businessId, booking.id, 'cancelled', booking.start);
    context.metrics?.bookingsTotal.inc({ channel: booking.channel, outcome: 'cancelled' });
    return (await findBooking(manager, booking.id))!;
  });
  context.blockedTimes?.changed(cancelled.businessId);
  return cancelled;
}

/**
 * The customer's appointments that have not ended yet, soonest first: found by their phone
 * number, or — for someone calling from another phone — by the name the bookings are under
 * (every customer of that name, compared without case or surrounding spaces).
 */
export async function findUpcomingAppointments(
  context: SchedulingContext,
  businessId: string,
  customer: CustomerDetails,
): Promise<Booking[]> {
  const rows: { id: string }[] = customer.phone
    ? await context.dataSource.query('SELECT id FROM customers WHERE business_id = $1 AND phone = $2', [businessId, customer.phone])
    : customer.name?.trim()
      ? await context.dataSource.query('SELECT id FROM customers WHERE business_id = $1 AND lower(trim(name)) = lower(trim($2))', [
          businessId,
          customer.name,
        ])
      : [];
  const found = await Promise.all(rows.map((row) => upcomingBookings(context.dataSource.manager, businessId, row.id, context.now())));
  return found.flat().sort((a, b) => a.start.getTime() - b.start.getTime());
}

// --- the steps the stories above are told in ---

/**
 * Inserts the booking with the staff member the engine picks from `blocked` (read under the
 * customer's lock). When the database refuses it because someone just took that person's time,
 * "anyone" tries the next free person (the one refused counts as busy then); a named staff
 * member is simply taken. The engine only chooses whom to try: the EXCLUDE constraint decides.
 */
async function insertFirstFree(
  context: SchedulingContext,
  manager: EntityManager,
  request: BookingRequest,
  blocked: BlockedTime[],
  customerId: string,
): Promise<Booking | { refused: SlotTaken['reason'] }> {
  const business = businessOf(context, request.businessId);
  const busy = [...blocked];
  for (let attempt = 0; attempt < business.staff.length; attempt += 1) {
    const slot = slotAt(context, request, busy);
    if (!slot) return { refused: attempt === 0 ? 'unavailable' : 'taken' };
    const times = bookingTimes(context, request, slot);
    const booking = await insertBooking(manager, times, { customerId, channel: request.channel, notes: request.notes });
    if (booking) return booking;
    if (request.staffId) break;
    busy.push({ staffId: slot.staffId, kind: 'booking', ...times.blocked });
  }
  return { refused: 'taken' };
}

/** The slot starting exactly at `start` given these blocked times (for "anyone", whom the engine picks). */
function slotAt(
  context: SchedulingContext,
  wanted: { businessId: string; serviceId: string; staffId?: string | undefined; start: Date },
  blocked: BlockedTime[],
): Slot | undefined {
  const slots = findAvailableSlots({
    business: businessOf(context, wanted.businessId),
    serviceId: wanted.serviceId,
    staffId: wanted.staffId,
    from: wanted.start,
    to: new Date(wanted.start.getTime() + 1),
    now: context.now(),
    blocked,
  });
  return slots.find((slot) => slot.start.getTime() === wanted.start.getTime());
}

function aroundStart(start: Date) {
  return { from: new Date(start.getTime() - DAY_MS), to: new Date(start.getTime() + DAY_MS) };
}

/** The slot starting exactly at `start` (for "anyone", with the staff member the engine picks). */
async function freeSlotAt(
  context: SchedulingContext,
  manager: EntityManager,
  wanted: { businessId: string; serviceId: string; staffId?: string | undefined; start: Date },
  busy: BlockedTime[],
  exceptBookingId?: string,
): Promise<Slot | undefined> {
  const slots = await searchSlots(
    context,
    { ...wanted, from: wanted.start, to: new Date(wanted.start.getTime() + 1) },
    { manager, busy, ...(exceptBookingId ? { exceptBookingId } : {}) },
  );
  return slots.find((slot) => slot.start.getTime() === wanted.start.getTime());
}

function bookingTimes(
  context: SchedulingContext,
  wanted: { businessId: string; serviceId: string },
  slot: Slot,
): NewBookingTimes {
  const service = findService(businessOf(context, wanted.businessId), wanted.serviceId);
  return {
    businessId: wanted.businessId,
    serviceId: wanted.serviceId,
    staffId: slot.staffId,
    start: slot.start,
    end: slot.end,
    blocked: blockedRange(service, slot.start.getTime()),
  };
}

/** The calendar mirror and the customer's written confirmation, in the change's transaction. */
async function recordChange(
  manager: EntityManager,
  businessId: string,
  bookingId: string,
  change: 'booked' | 'rescheduled' | 'cancelled',
  start: Date,
): Promise<void> {
  const version = change === 'cancelled' ? 'cancelled' : start.toISOString();
  await writeOutbox(manager, {
    businessId,
    bookingId,
    kind: 'calendar-sync',
    dedupeKey: `${bookingId}:calendar:${version}`,
    payload: { action: change === 'cancelled' ? 'delete' : 'put' },
  });
  await writeOutbox(manager, {
    businessId,
    bookingId,
    kind: 'confirmation',
    dedupeKey: `${bookingId}:${change}:${version}`,
    payload: { change },
  });
}

async function liveBooking(manager: EntityManager, bookingId: string, lock = false) {
  const booking = await findBooking(manager, bookingId, lock);
  if (!booking || booking.status === 'cancelled') {
    throw new SchedulingError('not_found', `no live booking ${bookingId}; it may have been cancelled`);
  }
  return booking;
}

/** The three bookable times nearest the one asked for, searching a week either side. */
async function alternativesTo(
  context: SchedulingContext,
  wanted: { businessId: string; serviceId: string; staffId?: string | undefined; start: Date },
): Promise<Slot[]> {
  const slots = await searchSlots(context, {
    ...wanted,
    from: new Date(wanted.start.getTime() - 7 * DAY_MS),
    to: new Date(wanted.start.getTime() + 7 * DAY_MS),
  });
  return nearestSlots(slots, { around: wanted.start }, 3);
}
