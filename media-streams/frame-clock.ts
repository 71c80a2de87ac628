/**
 * One 20 ms clock shared by every call in the process. A timer per call would mean hundreds of
 * timers drifting independently; one clock means one wake-up per frame period for all calls.
 *
 * Ticks are anchored to the moment the clock started (tick n is due at start + n × 20 ms) and
 * each wake-up is scheduled for the next due time, so timer lateness never accumulates: a late
 * wake-up reports how many periods have passed and the listeners catch up.
 */
import { FRAME_MS } from './mulaw.js';

/** Called once per wake-up; `elapsedTicks` is usually 1, more after a late wake-up. */
export type FrameTickListener = (elapsedTicks: number) => void;

/** What a pacer needs from a clock (tests drive pacers with a hand-cranked one). */
export interface FrameTicker {
  /** Returns the unsubscribe function. */
  subscribe(listener: FrameTickListener): () => void;
}

export interface FrameClockOptions {
  /** Period between ticks. Default `FRAME_MS` (20). */
  periodMs?: number;
  /** Monotonic time source, milliseconds. Default `performance.now`. */
  now?: () => number;
  /** Reports a listener that threw; the clock keeps running for everyone else. */
  onListenerError?: (error: unknown) => void;
}

export class FrameClock implements FrameTicker {
  readonly periodMs: number;
  readonly #now: () => number;
  readonly #onListenerError: (error: unknown) => void;
  readonly #listeners = new Set<FrameTickListener>();
  #epochMs = 0;
  #tick = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: FrameClockOptions = {}) {
    this.periodMs = options.periodMs ?? FRAME_MS;
    this.#now = options.now ?? (() => performance.now());
    this.#onListenerError =
      options.onListenerError ??
      ((error) => {
        // No logger at this level; surface it rather than lose it.
        process.emitWarning(`frame clock listener failed: ${String(error)}`);
      });
  }

  /** Listeners currently subscribed (one per call that has audio queued). */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * Starts delivering ticks to `listener`; the clock runs only while someone listens, so an idle
   * process has no timer. Returns the unsubscribe function.
   */
  subscribe(listener: FrameTickListener): () => void {
    this.#listeners.add(listener);
    if (!this.#timer) {
      this.#epochMs = this.#now();
      this.#tick = 0;
      this.#schedule();
    }
    return () => this.#unsubscribe(listener);
  }

  /** Stops the clock for everyone (process shutdown). */
  stop(): void {
    this.#listeners.clear();
    this.#cancelTimer();
  }

  #unsubscribe(listener: FrameTickListener): void {
    this.#listeners.delete(listener);
    if (this.#listeners.size === 0) this.#cancelTimer();
  }

  #cancelTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    const dueMs = this.#epochMs + (this.#tick + 1) * this.periodMs;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, dueMs - this.#now()));
  }

  #fire(): void {
    const dueTick = Math.floor((this.#now() - this.#epochMs) / this.periodMs);
    // setTimeout may fire a fraction of a millisecond early; never report zero periods.
    const elapsedTicks = Math.max(1, dueTick - this.#tick);
    this.#tick += elapsedTicks;
    // Copy: listeners unsubscribe themselves when their queue runs dry.
    for (const listener of [...this.#listeners]) {
      try {
        listener(elapsedTicks);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
    if (this.#listeners.size > 0) this.#schedule();
    else this.#timer = undefined;
  }
}
