import { DateTime } from 'luxon';
import { businessZone, type Slot, type SlotPreference } from '../../scheduling/scheduler.js';
import type { TurnContext } from './dialog-engine.js';

/** How far ahead "when's your next free time?" looks, and how far past the asked day we look when it is full. */
export const SEARCH_DAYS = 14;
const OFFERED = 3;

/**
 * The wanted window and target on the business's wall clock, as instants: the day asked for
 * (or the next two weeks), narrowed to a time ("around 3") or part of day ("afternoon").
 */
export function preferenceOf(context: TurnContext, onDay = context.state.date): { from: Date; to: Date; preference: SlotPreference } {
  const { state, turn, deps } = context;
  const zone = businessZone(deps.business.timeZone);
  const now = DateTime.fromJSDate(turn.now, { zone });
  const day = onDay ? DateTime.fromISO(onDay, { zone }) : now.startOf('day');
  const at = (hhmm: string) => {
    const [hour, minute] = hhmm.split(':').map(Number);
    return day.set({ hour: hour ?? 0, minute: minute ?? 0 }).toJSDate();
  };
  const from = onDay ? day.toJSDate() : now.toJSDate();
  const to = (onDay ? day.plus({ days: 1 }) : now.plus({ days: SEARCH_DAYS })).toJSDate();
  const preference: SlotPreference = state.time
    ? { around: at(state.time) }
    : state.timeOfDay
      ? { from: at(state.timeOfDay.from), to: at(state.timeOfDay.to) }
      : { earliest: true };
  return { from, to, preference };
}

/**
 * "next week", "next week in the afternoon", "next week at 3": searched day by day so the time
 * or part of day applies to each day. At a stated time, one slot a day (Monday at 3, Tuesday at
 * 3, …); in a part of day, the first that fit it; otherwise the earliest.
 */
export async function slotsAcrossSpan(context: TurnContext, range: { from: string; to: string }): Promise<Slot[]> {
  const { state, deps, turn } = context;
  const zone = businessZone(deps.business.timeZone);
  const today = DateTime.fromJSDate(turn.now, { zone }).startOf('day');
  const last = DateTime.fromISO(range.to, { zone });
  const found: Slot[] = [];
  for (let day = DateTime.max(DateTime.fromISO(range.from, { zone }), today); day <= last && found.length < OFFERED; day = day.plus({ days: 1 })) {
    const { from, to, preference } = preferenceOf(context, day.toISODate()!);
    const search = { businessId: deps.business.id, serviceId: state.serviceId!, staffId: state.staffId, from, to };
    const slots = await deps.scheduler.offerSlots(search, preference, state.time ? 1 : OFFERED - found.length);
    found.push(...slots.filter((slot) => fits(slot, preference)));
  }
  return found.slice(0, OFFERED);
}

/** A slot nearest a stated time is always taken; a part of day must contain it. */
function fits(slot: Slot, preference: SlotPreference): boolean {
  if (!preference.from || !preference.to) return true;
  return slot.start >= preference.from && slot.start < preference.to;
}
