import { saysNo, saysYes } from './answers.js';
import { continueBooking } from './booking-flow.js';
import type { DialogReply, TurnContext } from './dialog-engine.js';

/**
 * Cancelling or moving the customer's own appointment: found by the number they call or text
 * from (the soonest upcoming one, or the one on the day they name), confirmed before anything
 * changes.
 */
export async function findOwnBooking(context: TurnContext, task: 'cancel' | 'reschedule'): Promise<DialogReply> {
  const { state, deps, turn, replies, understood } = context;

  if (task === 'cancel' && state.bookingId && state.stage === 'confirming') {
    state.stage = 'finished';
    state.expecting = undefined;
    if (saysYes(understood)) {
      await deps.scheduler.cancel(state.bookingId);
      return { text: replies.cancelled(), done: 'cancelled' };
    }
    if (saysNo(understood)) return { text: replies.keptBooking() };
    state.stage = 'confirming';
    return { text: state.lastPrompt ?? replies.howCanIHelp() };
  }

  const upcoming = await deps.scheduler.upcoming(deps.business.id, { phone: turn.customerPhone });
  // When cancelling, a day named picks which booking; when moving, it is the new day.
  const named = task === 'cancel' ? understood.slots.date : undefined;
  const booking = upcoming.find((candidate) => !named || replies.localDate(candidate.start) === named) ?? upcoming[0];
  if (!booking) {
    state.intent = undefined;
    return { text: replies.noUpcoming() };
  }
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
  if (date || time || timeOfDay) return continueBooking(context);
  state.expecting = 'date';
  return { text: `You have a booking ${replies.when(booking.start)}. What day would you like to move it to?` };
}
