import type { Slot } from './availability-engine.js';

/**
 * What the customer asked for, already resolved to instants by understanding:
 * "Tuesday afternoon" is a window, "around 3" is a target time, "earliest next week" is a window
 * with `earliest: true`. Any combination works; none at all means "soonest".
 */
export interface SlotPreference {
  from?: Date;
  to?: Date;
  around?: Date;
  /** Prefer the earliest slots of the window rather than those nearest its middle. */
  earliest?: boolean;
}

function distanceToWindow(start: number, from: number, to: number): number {
  if (start < from) return from - start;
  if (start >= to) return start - to + 1;
  return 0;
}

/**
 * The `count` slots to offer: inside the asked-for window first, then nearest to it; within
 * equal distance, nearest the target time, otherwise earliest. Returned in time order, because
 * that is how a receptionist reads options out.
 */
export function nearestSlots(slots: readonly Slot[], preference: SlotPreference, count = 3): Slot[] {
  const from = preference.from?.getTime() ?? Number.NEGATIVE_INFINITY;
  const to = preference.to?.getTime() ?? Number.POSITIVE_INFINITY;
  const around = preference.earliest ? undefined : preference.around?.getTime();
  const scored = slots.map((slot) => {
    const start = slot.start.getTime();
    return {
      slot,
      start,
      outside: distanceToWindow(start, from, to),
      miss: around === undefined ? start : Math.abs(start - around),
    };
  });
  scored.sort((a, b) => a.outside - b.outside || a.miss - b.miss || a.start - b.start);
  return scored
    .slice(0, count)
    .sort((a, b) => a.start - b.start)
    .map((entry) => entry.slot);
}
