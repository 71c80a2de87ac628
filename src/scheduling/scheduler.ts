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
import { BlockedTimesCache } from './blocked-times-cache.js';
import { listenForBookingChanges } from './booking-changes.js';
import { loadBlockedTimesOverlapping } from './blocked-times-store.js';
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
  /**
   * Gets ready for a conversation with `businessId` (call it as a call is answered, while the
   * greeting plays): reads its next two weeks of bookings into memory and runs a search, so the
   * caller's first request neither waits on Postgres nor meets cold code. Never throws.
   */
  prepare(businessId: string): Promise<void>;
}

export interface SchedulerOptions {
  /** Answer slot searches from memory while change reports arrive (default true); false: always read Postgres. */
  blockedTimesInMemory?: boolean;
}

/**
 * The scheduler over `context`. Unless the context brings its own, slot searches are answered
 * from a per-business copy of the blocked times in memory (`BlockedTimesCache`), kept fresh by a
 * `LISTEN bookings` connection of its own; while that connection is down they read Postgres.
 */
export function createScheduler(context: SchedulingContext, options: SchedulerOptions = {}): Scheduler {
  if (options.blockedTimesInMemory ?? true) context = withBlockedTimesCache(context);
  return {
    async offerSlots(search, preference, count = 3) {
      return nearestSlots(await searchSlots(context, search), preference, count);
    },
    prepare: (businessId) => prepare(context, businessId),
    book: (request) => bookAppointment(context, request),
    reschedule: (request) => rescheduleAppointment(context, request),
    cancel: (bookingId) => cancelAppointment(context, bookingId),
    upcoming: (businessId, customer) => findUpcomingAppointments(context, businessId, customer),
  };
}

function withBlockedTimesCache(context: SchedulingContext): SchedulingContext {
  const databaseUrl = (context.dataSource.options as { url?: string }).url;
  if (context.blockedTimes || !databaseUrl) return context;
  const blockedTimes = new BlockedTimesCache({
    load: (businessId, range) => loadBlockedTimesOverlapping(context.dataSource.manager, businessId, range),
  });
  const refresh = refresher(context, blockedTimes);
  listenForBookingChanges({
    databaseUrl,
    logger: context.logger,
    handlers: {
      // Read again right after a change, so the next caller's search is answered from memory too.
      changed(businessId) {
        blockedTimes.changed(businessId);
        refresh(businessId);
      },
      listening() {
        blockedTimes.listening();
        refresh(undefined);
      },
      lost: () => blockedTimes.lost(),
    },
    // The feed closes its connection once the app's pool is closed.
    active: () => context.dataSource.isInitialized,
  });
  return { ...context, blockedTimes };
}

/**
 * Reads a business's next two weeks into memory (and runs a search, keeping that code warm) as
 * listening starts and shortly after each change, one read for a burst of changes. `prepare`
 * never rejects.
 */
function refresher(context: SchedulingContext, blockedTimes: BlockedTimesCache): (businessId: string | undefined) => void {
  const pending = new Map<string, NodeJS.Timeout>();
  const read = (businessId: string) => {
    pending.delete(businessId);
    if (!context.dataSource.isInitialized) return;
    // In the background: a failure (Postgres down, the app closing) is the next search's to report.
    void prepare({ ...context, blockedTimes }, businessId, 'debug');
  };
  return (businessId) => {
    const ids = businessId === undefined ? context.businesses.all().map((business) => business.id) : [businessId];
    for (const id of ids) {
      if (pending.has(id) || !context.businesses.get(id)) continue;
      const timer = setTimeout(() => read(id), 5);
      timer.unref();
      pending.set(id, timer);
    }
  };
}

const DAY_MS = 86_400_000;

async function prepare(context: SchedulingContext, businessId: string, failureLevel: 'warn' | 'debug' = 'warn'): Promise<void> {
  const business = context.businesses.get(businessId);
  const service = business?.services[0];
  if (!business || !service) return;
  const now = context.now();
  try {
    await context.blockedTimes?.prepare(businessId, now);
    // A search like a caller's first (the JIT, the zone's offsets, a pooled connection if the
    // copy in memory is not in use), over tomorrow.
    await searchSlots(context, { businessId, serviceId: service.id, from: new Date(now.getTime() + DAY_MS), to: new Date(now.getTime() + 2 * DAY_MS) });
  } catch (error) {
    context.logger[failureLevel]({ err: error, businessId }, 'getting availability ready failed; the first search reads it');
  }
}

export type { Booking, BookingRequest, BookingResult, RescheduleRequest, Slot, SlotPreference, SlotSearch };
export { SlotTaken } from './slot-taken.js';
export { businessZone } from './business-zone.js';
