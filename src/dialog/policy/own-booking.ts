import type { Booking } from '../../scheduling/scheduler.js';
import { saysNo, saysYes } from './answers.js';
import { continueBooking, rememberContact } from './booking-flow.js';
import type { DialogReply, TurnContext } from './dialog-engine.js';

/**
 * Cancelling or moving the customer's own appointment: found by the number they call or text
 * from (the soonest upcoming one, or the one on the day they name), or — from another phone — by
 * the name it is under and its day; confirmed before anything changes.
 */
export async function findOwnBooking(context: TurnContext, task: 'cancel' | 'reschedule'): Promise<DialogReply> {
  const { state, deps, replies, understood } = context;

  if (task === 'cancel' && state.bookingId && state.stage === 'confirming') {
    state.stage = 'finished';
    state.expecting = undefined;
    if (saysYes(understood)) {
      context.turn.signal?.throwIfAborted();
      await deps.scheduler.cancel(state.bookingId);
      return { text: replies.cancelled(), done: 'cancelled' };
    }
    if (saysNo(understood)) return { text: replies.keptBooking() };
    state.stage = 'confirming';
    return { text: state.lastPrompt ?? replies.howCanIHelp() };
  }

  rememberContact(context);
  const found = state.lookup ? await findByNameAndDay(context) : await findByNumber(context, task);
  if ('reply' in found) return found.reply;
  const booking = found.booking;
  state.bookingId = booking.id;
  state.serviceId = booking.serviceId;
  if (task === 'cancel') {
    state.stage = 'confirming';
    state.expecting = 'confirmation';
    return { text: replies.confirmCancel(booking.start, booking.serviceId) };
  }
  state.staffId = booking.staffId;
  state.stage = 'collecting';
  const { date, time, timeOfDay } = understood.slots;
  // A day said while we looked the booking up was its current day, not the new one.
  if (!found.byName && (date || time || timeOfDay)) return continueBooking(context);
  state.expecting = 'date';
  return { text: `You have a booking ${replies.when(booking.start)}. What day would you like to move it to?` };
}

type Found = { booking: Booking; byName?: boolean } | { reply: DialogReply };

async function findByNumber(context: TurnContext, task: 'cancel' | 'reschedule'): Promise<Found> {
  const { state, deps, turn, replies, understood } = context;
  const phone = turn.customerPhone ?? state.customer?.phone;
  const upcoming = phone ? await deps.scheduler.upcoming(deps.business.id, { phone }) : [];
  // When cancelling, a day named picks which booking; when moving, it is the new day.
  const named = task === 'cancel' ? understood.slots.date : undefined;
  const booking = upcoming.find((candidate) => !named || replies.localDate(candidate.start) === named) ?? upcoming[0];
  if (booking) return { booking };
  state.lookup = { ...(understood.slots.name ? { name: understood.slots.name } : {}), ...(named ? { date: named } : {}) };
  return askForLookup(context, phone !== undefined);
}

async function findByNameAndDay(context: TurnContext): Promise<Found> {
  const { state, deps, replies, understood } = context;
  const lookup = state.lookup!;
  if (understood.slots.name) lookup.name = understood.slots.name;
  if (understood.slots.date) lookup.date = understood.slots.date;
  if (!lookup.name || !lookup.date) return askForLookup(context, true);
  state.lookup = undefined;
  state.expecting = undefined;
  const upcoming = await deps.scheduler.upcoming(deps.business.id, { name: lookup.name });
  const booking = upcoming.find((candidate) => replies.localDate(candidate.start) === lookup.date);
  if (booking) return { booking, byName: true };
  state.intent = undefined;
  return { reply: { text: replies.noUpcomingUnder(lookup.name) } };
}

function askForLookup(context: TurnContext, triedNumber: boolean): Found {
  const { state, replies } = context;
  if (!state.lookup?.name) {
    state.expecting = 'name';
    return { reply: { text: replies.askLookupName(triedNumber) } };
  }
  state.expecting = 'date';
  return { reply: { text: replies.askLookupDate() } };
}
