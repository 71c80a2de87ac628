import type { CustomerDetails } from '../storage/customers.js';
import type { Slot } from './availability-engine.js';
import {
  bookAppointment,
  cancelAppointment,
  findUpcomingAppointments,
  rescheduleAppointment,
  type BookingRequest,
  type BookingResult,
  type RescheduleRequest,
} from './booking-service.js';
import type { Booking } from './booking-store.js';
import { nearestSlots, type SlotPreference } from './nearest-slots.js';
import { searchSlots, type SchedulingContext, type SlotSearch } from './scheduling-context.js';

/**
 * Everything the dialog may ask of scheduling, and nothing else: the dialog depends on this
 * interface, never on the booking store, the engine or a calendar (DESIGN §2).
 */
export interface Scheduler {
  /** Up to `count` bookable slots nearest what the customer asked for, in time order. */
  offerSlots(search: SlotSearch, preference: SlotPreference, count?: number): Promise<Slot[]>;
  /** Throws `SlotTaken` (with alternatives) when the time cannot be had. */
  book(request: BookingRequest): Promise<BookingResult>;
  reschedule(request: RescheduleRequest): Promise<Booking>;
  cancel(bookingId: string): Promise<Booking>;
  upcoming(businessId: string, customer: CustomerDetails): Promise<Booking[]>;
}

export function createScheduler(context: SchedulingContext): Scheduler {
  return {
    async offerSlots(search, preference, count = 3) {
      return nearestSlots(await searchSlots(context, search), preference, count);
    },
    book: (request) => bookAppointment(context, request),
    reschedule: (request) => rescheduleAppointment(context, request),
    cancel: (bookingId) => cancelAppointment(context, bookingId),
    upcoming: (businessId, customer) => findUpcomingAppointments(context, businessId, customer),
  };
}

export type { Booking, BookingRequest, BookingResult, RescheduleRequest, Slot, SlotPreference, SlotSearch };
export { SlotTaken } from './slot-taken.js';
