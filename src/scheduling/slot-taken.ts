import type { Slot } from './availability-engine.js';

/**
 * The time asked for cannot be booked: someone took it first (`taken`, the database refused an
 * overlap) or it was never offered (`unavailable`: outside hours, inside the notice, already
 * booked). Carries the nearest times that can be, so the conversation goes on with an offer.
 */
export class SlotTaken extends Error {
  override name = 'SlotTaken';
  constructor(
    readonly reason: 'taken' | 'unavailable',
    readonly alternatives: Slot[],
  ) {
    super(
      reason === 'taken'
        ? 'that time was just booked by someone else; offer one of the alternatives'
        : 'that time cannot be booked; offer one of the alternatives',
    );
  }
}
