import type { BlockedTime } from './availability-engine.js';
import type { BookingChangeHandlers } from './booking-changes.js';

const DAY_MS = 86_400_000;

/** How far ahead a load reaches at least, so "anything later?" and "next week" are answered from it. */
const LOAD_AHEAD_MS = 16 * DAY_MS;

export interface BlockedTimesCacheOptions {
  /** Reads the live bookings' blocked times overlapping `[from, to)` from Postgres (no margin added). */
  load(businessId: string, window: { from: Date; to: Date }): Promise<BlockedTime[]>;
  /** An entry older than this is read again even without a change report (default 60 s): a safety net. */
  maxAgeMs?: number;
  /** The clock for ages (default `performance.now`). */
  nowMs?: () => number;
}

interface Entry {
  /** The blocked times of every live booking overlapping `[from, to)`. */
  from: number;
  to: number;
  times: BlockedTime[];
  loadedAtMs: number;
}

/**
 * The live bookings' blocked times per business, in memory, so a slot search does not wait on
 * Postgres. Only for offering: a booking is still checked in its own transaction, under the
 * EXCLUDE constraint, whatever this holds.
 *
 * Fresh only while someone reports every committed change (the `bookings` NOTIFY, as
 * `BookingChangeHandlers`): until `listening()` and after `lost()`, nothing is kept and every
 * search reads Postgres. A report drops the business's entry; a read that started before a report
 * is not kept (its snapshot may predate the change), which is what the per-business generation is
 * for. A change made in this process is dropped at once by `changed` (before its report arrives).
 */
export class BlockedTimesCache implements BookingChangeHandlers {
  readonly #entries = new Map<string, Entry>();
  /** Bumped by every change report; a load keeps its answer only if none came meanwhile. */
  readonly #generations = new Map<string, number>();
  #epoch = 0;
  #listening = false;
  readonly #maxAgeMs: number;
  readonly #nowMs: () => number;

  constructor(private readonly options: BlockedTimesCacheOptions) {
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
    this.#nowMs = options.nowMs ?? (() => performance.now());
  }

  /** Whether changes are being reported, so searches may be answered from memory. */
  get isListening(): boolean {
    return this.#listening;
  }

  /** Blocked times of live bookings overlapping `[from − 1 day, to + 1 day)`, as `loadBlockedTimes` returns them. */
  async blockedTimes(businessId: string, window: { from: Date; to: Date }): Promise<BlockedTime[]> {
    const from = window.from.getTime() - DAY_MS;
    const to = window.to.getTime() + DAY_MS;
    const entry = this.#entries.get(businessId);
    if (entry && entry.from <= from && to <= entry.to && this.#nowMs() - entry.loadedAtMs < this.#maxAgeMs) {
      return entry.times.filter((time) => time.start < to && from < time.end);
    }
    if (!this.#listening) return this.options.load(businessId, { from: new Date(from), to: new Date(to) });
    const loaded = await this.#load(businessId, from, Math.max(to, from + LOAD_AHEAD_MS));
    return loaded.filter((time) => time.start < to && from < time.end);
  }

  /** Reads the next `LOAD_AHEAD_MS` from `now` in, so the first search of a call is answered from memory. */
  async prepare(businessId: string, now: Date): Promise<void> {
    if (!this.#listening) return;
    const from = now.getTime() - DAY_MS;
    const entry = this.#entries.get(businessId);
    if (entry && entry.from <= from && from + LOAD_AHEAD_MS <= entry.to && this.#nowMs() - entry.loadedAtMs < this.#maxAgeMs / 2) return;
    await this.#load(businessId, from, from + LOAD_AHEAD_MS + DAY_MS);
  }

  changed(businessId: string | undefined): void {
    if (businessId === undefined) {
      this.#epoch += 1;
      this.#entries.clear();
      return;
    }
    this.#generations.set(businessId, (this.#generations.get(businessId) ?? 0) + 1);
    this.#entries.delete(businessId);
  }

  listening(): void {
    this.#epoch += 1;
    this.#entries.clear();
    this.#listening = true;
  }

  lost(): void {
    this.#epoch += 1;
    this.#entries.clear();
    this.#listening = false;
  }

  async #load(businessId: string, from: number, to: number): Promise<BlockedTime[]> {
    const generation = this.#generations.get(businessId);
    const epoch = this.#epoch;
    const loadedAtMs = this.#nowMs();
    const times = await this.options.load(businessId, { from: new Date(from), to: new Date(to) });
    const unchanged = this.#listening && epoch === this.#epoch && generation === this.#generations.get(businessId);
    if (unchanged) this.#entries.set(businessId, { from, to, times, loadedAtMs });
    return times;
  }
}
