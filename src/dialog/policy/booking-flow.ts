import { DateTime } from 'luxon';
import { businessZone, SlotTaken, type Slot } from '../../scheduling/scheduler.js';
import { saysNo, saysYes } from './answers.js';
import type { DialogReply, TurnContext } from './dialog-engine.js';
import type { OfferedSlot } from './dialog-state.js';
import { preferenceOf, SEARCH_DAYS, slotsAcrossSpan } from './wanted-times.js';


/**
 * Booking (and moving) an appointment: fill what is missing (service, day), offer at most three
 * real slots nearest the request, confirm, then book or move. A correction at any point ("no,
 * Thursday") goes back to offering with the new details.
 */
export async function continueBooking(context: TurnContext): Promise<DialogReply> {
  const { state, understood, replies } = context;
  const acts = new Set(understood.acts);
  if (takeDetails(context) && state.stage !== 'collecting') {
    state.stage = 'collecting';
    state.chosen = undefined;
  }

  const shift = understood.slots.shift;
  if (shift && (state.stage === 'offering' || state.stage === 'confirming')) return offerShifted(context, shift);

  if (state.stage === 'confirming' && state.chosen && (state.expecting === 'name' || state.expecting === 'phone')) {
    return confirm(context, state.chosen);
  }
  if (state.stage === 'confirming') {
    if (saysYes(understood) || acts.has('select')) return commit(context);
    if (saysNo(understood)) {
      state.stage = 'collecting';
      state.chosen = undefined;
      state.expecting = undefined;
      return { text: replies.askWhatToChange() };
    }
    return { text: state.lastPrompt ?? replies.howCanIHelp() };
  }

  if (state.stage === 'offering') {
    if (acts.has('request_alts')) return offerLater(context);
    const picked = pickOffered(context);
    if (picked) return confirm(context, picked);
    if (saysNo(understood)) return offerLater(context);
    // "yes" to several options picks none of them.
    if (saysYes(understood) && state.offered.length > 1) return { text: replies.whichOne(state.offered.map((slot) => new Date(slot.start))) };
  }

  if (!state.serviceId) {
    const unknown = state.expecting === 'service';
    state.expecting = 'service';
    return { text: unknown ? replies.unknownService() : replies.askService() };
  }
  if (!state.date && !state.dateRange && !state.time && !state.timeOfDay) {
    state.expecting = 'date';
    return { text: replies.askDay(state.serviceId) };
  }
  return offer(context);
}

/** Copies what the sentence said into the state; true when it changed what we were offering. */
function takeDetails(context: TurnContext): boolean {
  const { state } = context;
  const slots = context.understood.slots;
  rememberContact(context);
  let changed = false;
  const set = <K extends 'serviceId' | 'staffId' | 'date' | 'time'>(key: K, value: string | undefined) => {
    if (value === undefined || state[key] === value) return;
    state[key] = value;
    changed = true;
  };
  set('serviceId', slots.service);
  set('staffId', slots.staff);
  // A day and a span of days replace each other: "next week" then "tuesday" means that Tuesday.
  if (slots.date && state.dateRange) state.dateRange = undefined;
  if (slots.dateRange && !slots.date && JSON.stringify(slots.dateRange) !== JSON.stringify(state.dateRange)) {
    state.dateRange = slots.dateRange;
    state.date = undefined;
    changed = true;
  }
  set('date', slots.date);
  set('time', slots.time);
  if (slots.timeOfDay && JSON.stringify(slots.timeOfDay) !== JSON.stringify(state.timeOfDay)) {
    state.timeOfDay = slots.timeOfDay;
    state.time = slots.time;
    changed = true;
  }
  return changed;
}

async function offer(context: TurnContext): Promise<DialogReply> {
  const { state, deps, replies } = context;
  const { from, to, preference } = preferenceOf(context);
  const search = { businessId: deps.business.id, serviceId: state.serviceId!, staffId: state.staffId };
  let slots =
    state.dateRange && !state.date
      ? await slotsAcrossSpan(context, state.dateRange)
      : await deps.scheduler.offerSlots({ ...search, from, to }, preference);
  let intro = 'I can do';
  if (slots.length === 0) {
    const later = new Date(to.getTime() + SEARCH_DAYS * 86_400_000);
    slots = await deps.scheduler.offerSlots({ ...search, from: to, to: later }, { earliest: true });
    intro = `${replies.nothingThatDay()} The nearest I can do is`;
    // The conversation moves to the day offered: "10:15 then" means that day, not the full one.
    const first = slots[0];
    if (first) {
      state.date = replies.localDate(first.start);
      state.dateRange = undefined;
      state.time = undefined;
    }
  }
  if (slots.length === 0) {
    state.stage = 'collecting';
    state.offeredTransfer = true;
    return { text: replies.nothingAtAll() };
  }
  const exact = state.time ? slots.find((slot) => sameClock(context, slot.start, state.time!)) : undefined;
  if (exact && state.date) return confirm(context, toOffered(exact));
  // They named a time on a day that has others free: say it is taken before the nearest ones.
  // (After a full day the time was dropped above, so this is never said of the fallback day.)
  if (state.time && state.date) intro = `${replies.notFreeAt(state.date, state.time)} I can do`;
  return present(context, slots, intro);
}

function present(context: TurnContext, slots: Slot[], intro: string): DialogReply {
  const { state, replies } = context;
  state.offered = slots.map(toOffered);
  state.stage = 'offering';
  state.expecting = 'choice';
  return { text: replies.offer(slots.map((slot) => slot.start), intro) };
}

/** "Anything earlier?" / "later?": the three nearest before the first time offered, or after the last. */
async function offerShifted(context: TurnContext, shift: 'earlier' | 'later'): Promise<DialogReply> {
  const { state, deps, replies } = context;
  const shown = state.stage === 'confirming' && state.chosen ? [state.chosen] : state.offered;
  if (shift === 'later') return offerLater(context, shown.at(-1));
  const first = shown[0];
  if (!first) return { text: state.lastPrompt ?? replies.howCanIHelp() };
  const before = new Date(first.start);
  const { from } = preferenceOf(context);
  const search = { businessId: deps.business.id, serviceId: state.serviceId!, staffId: state.staffId, from, to: before };
  const slots = from < before ? await deps.scheduler.offerSlots(search, { around: before }) : [];
  if (slots.length === 0) return { text: `${replies.nothingEarlier(before)} ${state.lastPrompt ?? ''}`.trim() };
  state.chosen = undefined;
  return present(context, slots, 'I can do');
}

/** "Any other times?": the next three after the last one offered. */
async function offerLater(context: TurnContext, last = context.state.offered.at(-1)): Promise<DialogReply> {
  const { state, deps } = context;
  const { to } = preferenceOf(context);
  const from = last ? new Date(Date.parse(last.start) + 60_000) : context.turn.now;
  const until = new Date(Math.max(to.getTime(), from.getTime() + SEARCH_DAYS * 86_400_000));
  const search = { businessId: deps.business.id, serviceId: state.serviceId!, staffId: state.staffId, from, to: until };
  const slots = await deps.scheduler.offerSlots(search, { earliest: true });
  if (slots.length === 0) return { text: context.replies.nothingAtAll() };
  state.chosen = undefined;
  return present(context, slots, 'I can also do');
}

function pickOffered(context: TurnContext): OfferedSlot | undefined {
  const { state, understood } = context;
  const { choice, time } = understood.slots;
  if (choice !== undefined) return choice === -1 ? state.offered.at(-1) : state.offered[choice - 1];
  if (time) return state.offered.find((slot) => sameClock(context, new Date(slot.start), time));
  if (state.offered.length === 1 && saysYes(understood)) return state.offered[0];
  return undefined;
}

/**
 * Reads the chosen time back for a yes. A new booking from a number we cannot use (withheld,
 * a softphone) first needs a name and a number to confirm to, asked one at a time.
 */
function confirm(context: TurnContext, slot: OfferedSlot): DialogReply {
  const { state, replies } = context;
  state.chosen = slot;
  state.stage = 'confirming';
  const moving = state.intent === 'reschedule' && state.bookingId;
  const missing = moving ? undefined : missingContact(context);
  if (missing) {
    state.expecting = missing;
    return { text: missing === 'name' ? replies.askBookingName() : replies.askBookingPhone() };
  }
  state.expecting = 'confirmation';
  const start = new Date(slot.start);
  return { text: moving ? replies.confirmMove(slot.staffId, start) : replies.confirmBooking(state.serviceId!, slot.staffId, start) };
}

/** Books (or, when moving, reschedules) the chosen slot; a slot lost meanwhile gets alternatives. */
async function commit(context: TurnContext): Promise<DialogReply> {
  const { state, deps, turn, replies } = context;
  const chosen = state.chosen!;
  const start = new Date(chosen.start);
  const moving = state.intent === 'reschedule' && state.bookingId;
  // The last moment to drop the turn: after this the calendar changes.
  turn.signal?.throwIfAborted();
  const done: DialogReply = moving ? { text: replies.moved(start), done: 'moved' } : { text: replies.booked(start), done: 'booked' };
  turn.onLikelyReply?.(done.text);
  try {
    if (moving) {
      await deps.scheduler.reschedule({ bookingId: state.bookingId!, start, staffId: chosen.staffId });
    } else {
      await deps.scheduler.book({
        businessId: deps.business.id,
        serviceId: state.serviceId!,
        staffId: chosen.staffId,
        start,
        customer: { ...state.customer, phone: turn.customerPhone ?? state.customer?.phone },
        channel: turn.channel,
      });
    }
  } catch (error) {
    if (!(error instanceof SlotTaken) || error.alternatives.length === 0) throw error;
    return present(context, error.alternatives, `${replies.taken()} I can do`);
  }
  state.stage = 'finished';
  state.expecting = undefined;
  return done;
}

function missingContact(context: TurnContext): 'name' | 'phone' | undefined {
  const { turn, state } = context;
  if (turn.customerPhone || state.customer?.phone) return undefined;
  return state.customer?.name ? 'phone' : 'name';
}

/** A name, number or email said at any point is kept for the booking. */
export function rememberContact(context: TurnContext): void {
  const { name, phone, email } = context.understood.slots;
  if (!name && !phone && !email) return;
  const customer = (context.state.customer ??= {});
  if (name) customer.name = name;
  if (phone) customer.phone = phone;
  if (email) customer.email = email;
}

function sameClock(context: TurnContext, start: Date, hhmm: string): boolean {
  return DateTime.fromJSDate(start, { zone: businessZone(context.deps.business.timeZone) }).toFormat('HH:mm') === hhmm;
}

function toOffered(slot: Slot): OfferedSlot {
  return { start: slot.start.toISOString(), staffId: slot.staffId };
}
