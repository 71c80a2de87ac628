/** Options of the login throttle. */
export interface LoginThrottleOptions {
  /** Failed attempts allowed per address within the window. Default 5. */
  maxFailures?: number;
  /** Length of the window, in milliseconds. Default 15 minutes. */
  windowMs?: number;
  /** Addresses remembered at most; the oldest are forgotten first. Default 10 000. */
  maxAddresses?: number;
  now?: () => number;
}

/**
 * Counts failed admin logins per client address and refuses further attempts once too many
 * failed recently. In memory, per process: with N web processes an attacker gets N times the
 * budget, which is still a handful of guesses per quarter hour; a shared store would buy little.
 * A successful login clears the address's count.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxAddresses: number;
  readonly #now: () => number;

  constructor(options: LoginThrottleOptions = {}) {
    this.#maxFailures = options.maxFailures ?? 5;
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#maxAddresses = options.maxAddresses ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Milliseconds until this address may try again; 0 when it may try now. */
  retryAfterMs(address: string): number {
    const recent = this.#recent(address);
    if (recent.length < this.#maxFailures) return 0;
    return recent[recent.length - this.#maxFailures]! + this.#windowMs - this.#now();
  }

  recordFailure(address: string): void {
    const recent = this.#recent(address);
    recent.push(this.#now());
    this.#failures.delete(address);
    this.#failures.set(address, recent);
    if (this.#failures.size > this.#maxAddresses) {
      this.#failures.delete(this.#failures.keys().next().value!);
    }
  }

  recordSuccess(address: string): void {
    this.#failures.delete(address);
  }

  #recent(address: string): number[] {
    const since = this.#now() - this.#windowMs;
    return (this.#failures.get(address) ?? []).filter((at) => at > since);
  }
}
