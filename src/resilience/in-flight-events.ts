/**
 * Concurrent duplicates of one event inside this process share the first delivery's work instead
 * of repeating it. The idempotency ledger already makes the *stored* answer unique, but work done
 * before the ledger claims the event (a text's dialog turn: understanding, the rate limiter, a
 * scheduler call) would otherwise run once per concurrent delivery. Twilio retries that reach
 * another process still run that work again; the ledger keeps their effects single.
 */
export class InFlightEvents<T> {
  readonly #running = new Map<string, Promise<T>>();

  /** Runs `work`, or, when `key` is already running here, waits for that run; `shared` says which. */
  async run(key: string, work: () => Promise<T>): Promise<{ value: T; shared: boolean }> {
    const running = this.#running.get(key);
    if (running) return { value: await running, shared: true };
    const started = work();
    this.#running.set(key, started);
    try {
      return { value: await started, shared: false };
    } finally {
      this.#running.delete(key);
    }
  }
}
