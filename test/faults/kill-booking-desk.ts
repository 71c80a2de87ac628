import { DateTime } from 'luxon';
import { nextPhone } from '../support/scheduling.js';
import type { KillChild } from './kill-child-pool.js';

/**
 * The parent's side of fault #6's bookings: what it asked each `kill-child.ts` process to book,
 * and what that process answered before it was killed.
 */

/**
 * Starts on the salon's wall clock, three days out onwards, Monday to Saturday, at hours every
 * stylist's day covers (the example salon's hours, config/businesses/salon.yaml). Each is offered twice (two stylists); a start no one can take (a closure,
 * a short day) is refused and counts as no booking.
 */
function bookableStarts(timeZone: string): Date[] {
  const starts: Date[] = [];
  const today = DateTime.now().setZone(timeZone).startOf('day');
  for (let day = 3; day <= 55; day += 1) {
    const date = today.plus({ days: day });
    if (date.weekday === 7) continue;
    for (const hour of [10, 11, 14, 15, 16]) starts.push(date.set({ hour }).toJSDate());
  }
  return [...starts, ...starts];
}

export interface BookingAsked {
  phone: string;
  email: string | undefined;
  state: 'sent' | 'booking' | 'booked' | 'taken' | 'failed';
  /** A kill landed while it was unanswered: it committed or it did not, the database says which. */
  killedInFlight: boolean;
  bookingAt?: number;
}

/** The bookings asked of the processes, and what each process answered before it died. */
export class BookingDesk {
  readonly asked = new Map<string, BookingAsked>();
  private readonly starts: Date[];
  private readonly bookMs: number[] = [];

  /** `timeZone`: the business's, whose wall clock the starts are on. */
  constructor(timeZone: string) {
    this.starts = bookableStarts(timeZone);
  }

  /** Follows a process's answers. */
  follow(child: KillChild): void {
    child.onLine((line) => {
      const [word, phone] = line.split(' ');
      const request = phone ? this.asked.get(phone) : undefined;
      if (!request) return;
      if (word === 'booking') {
        request.state = 'booking';
        request.bookingAt = Date.now();
      } else if (word === 'booked' || word === 'taken' || word === 'failed') {
        request.state = word;
        if (request.bookingAt) this.bookMs.push(Date.now() - request.bookingAt);
        if (word === 'failed') console.error(`      kill-child: ${line}`);
      }
    });
  }

  book(child: KillChild): BookingAsked {
    const n = this.asked.size;
    const start = this.starts[n % this.starts.length]!;
    // Every other customer gives an address, so confirmations go by email too.
    const email = n % 2 === 0 ? `guest${n}@example.com` : undefined;
    const request: BookingAsked = { phone: nextPhone(), email, state: 'sent', killedInFlight: false };
    this.asked.set(request.phone, request);
    child.send(`book ${JSON.stringify({ phone: request.phone, email: request.email, start: start.toISOString() })}`);
    return request;
  }

  /** How long a booking takes, from its start to its answer (ms); a guess until one has finished. */
  typicalBookingMs(): number {
    if (this.bookMs.length === 0) return 40;
    return [...this.bookMs].sort((a, b) => a - b)[Math.floor(this.bookMs.length / 2)]!;
  }

  killedInFlight(): BookingAsked[] {
    return [...this.asked.values()].filter((request) => request.killedInFlight);
  }
}
