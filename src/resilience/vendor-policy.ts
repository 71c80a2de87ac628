import {
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  isTaskCancelledError,
  retry,
  timeout,
  type CircuitBreakerPolicy,
  type RetryPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import type { Logger } from '../observability/logger.js';
import { breakerState, type Dependency, type Metrics } from '../observability/metrics.js';
import { stalledMsSince, watchLoopStalls } from './loop-stalls.js';

/**
 * The one wrapper every vendor call goes through (DESIGN §5): a timeout per attempt, bounded
 * retries with jittered exponential backoff for idempotent operations, and a circuit breaker
 * whose state is the `breaker_state` metric. Vendor adapters classify their errors by setting
 * `retryable = false` on the ones that mean "our request was wrong"; everything else is the
 * vendor's fault and counts towards opening the breaker.
 */

export type BreakerStateName = 'closed' | 'half-open' | 'open';

export interface BreakerOptions {
  /** Consecutive failed attempts that open the breaker. Default: 5. */
  consecutiveFailures?: number;
  /** How long an open breaker fails fast before letting one trial call through, in ms. Default: 10 000. */
  halfOpenAfterMs?: number;
}

export interface RetryDelayOptions {
  /** Scale of the first delay, in ms (decorrelated jitter spreads it around this). Default: 200. */
  initialMs?: number;
  /** Upper bound of any one delay, in ms. Default: 5 000. */
  maxMs?: number;
}

export interface VendorPolicyOptions {
  /** The vendor; labels the metrics and the log lines. */
  dependency: Dependency;
  metrics: Pick<Metrics, 'breakerState' | 'vendorErrorsTotal'>;
  logger: Logger;
  /** Limit for one attempt, in ms. When it passes, the attempt's signal is aborted and the attempt fails. */
  timeoutMs: number;
  /** Further attempts after a failed one, for idempotent operations only. 0 = none. */
  retries: number;
  retryDelay?: RetryDelayOptions;
  breaker?: BreakerOptions;
}

export interface ExecuteOptions {
  /**
   * True when running the operation twice has the same effect as running it once (reads, puts
   * with a client-chosen id, deletes). Only idempotent operations are retried. Default: false.
   */
  idempotent?: boolean;
  /**
   * Whether a timed-out attempt of an idempotent operation is retried (default true). False where
   * someone is waiting and a timed-out attempt has used their time: only a quick failure (a reset,
   * a 500) is then tried again.
   */
  retryTimeouts?: boolean;
  /**
   * The caller's own cancellation (the caller spoke over us, the turn was dropped): aborts the
   * attempt, stops retries, and is neither a vendor error nor a breaker failure.
   */
  signal?: AbortSignal | undefined;
}

/** The caller cancelled; says nothing about the vendor's health. */
export class CallerCancelled extends Error {
  override name = 'CallerCancelled';
  readonly retryable = false;
}

export interface VendorPolicy {
  readonly dependency: Dependency;
  /**
   * How long one attempt may take before it is abandoned. A client that cannot be aborted (SMTP)
   * sets its own timeouts under this, so an abandoned attempt cannot finish later behind our back.
   */
  readonly attemptTimeoutMs: number;
  /**
   * Runs `fn` under the policy. `fn` must pass `signal` to its I/O: it is aborted when the
   * attempt times out. Throws `VendorUnavailableError` when the breaker is open or the last
   * attempt timed out, and otherwise the last attempt's own error.
   */
  execute<T>(fn: (signal: AbortSignal) => Promise<T>, options?: ExecuteOptions): Promise<T>;
  /**
   * What the breaker would do with a call now: `half-open` once an open breaker's wait is over
   * (the next call is the trial), even before any call has been tried. Callers that skip the
   * vendor while this says `open` therefore still make the trial call that can close it.
   */
  state(): BreakerStateName;
}

export type UnavailableReason = 'breaker_open' | 'timeout';

/** The vendor could not be reached in time, or is failing and the breaker is refusing calls. */
export class VendorUnavailableError extends Error {
  override readonly name = 'VendorUnavailableError';
  /** Unavailability is temporary: the same request may succeed later. */
  readonly retryable = true;

  constructor(
    readonly dependency: Dependency,
    readonly reason: UnavailableReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** True for errors that mean the request was wrong, not the vendor: never retried, never trip the breaker. */
export function isNonRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false;
}

const DEFAULT_CONSECUTIVE_FAILURES = 5;
const DEFAULT_HALF_OPEN_AFTER_MS = 10_000;
const DEFAULT_RETRY_INITIAL_MS = 200;
const DEFAULT_RETRY_MAX_MS = 5_000;
/**
 * A timed-out attempt during which our own event loop stood still for at least this share of
 * the attempt's time says nothing about the vendor (see `loop-stalls.ts`): it still fails, but
 * it does not count towards opening the breaker.
 */
const STALLED_SHARE_EXCUSES_TIMEOUT = 0.25;

/** A timeout the vendor is not blamed for: our loop was stalled for much of the attempt. */
class TimeoutDuringOwnStall extends Error {
  override name = 'TimeoutDuringOwnStall';

  constructor(
    readonly stalledMs: number,
    options: ErrorOptions,
  ) {
    super(`the attempt timed out while this process's event loop was stalled for ${Math.round(stalledMs)} ms`, options);
  }
}

const stateNames: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Open]: 'open',
  // Isolation is cockatiel's manual hold-open; we never isolate, but it is open to a caller.
  [CircuitState.Isolated]: 'open',
};

const gaugeValues = { closed: breakerState.closed, 'half-open': breakerState.halfOpen, open: breakerState.open } as const;

export function createVendorPolicy(options: VendorPolicyOptions): VendorPolicy {
  const settings = validate(options);
  const { dependency, metrics, logger } = options;
  const labels = { dependency };

  watchLoopStalls();
  const breaker = circuitBreaker(handleWhen((error) => !isNonRetryable(error) && !(error instanceof TimeoutDuringOwnStall)), {
    halfOpenAfter: settings.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(settings.consecutiveFailures),
  });
  // Aggressive: the attempt fails when the time is up even if `fn` ignores its signal.
  const attemptTimeout = timeout(settings.timeoutMs, TimeoutStrategy.Aggressive);
  const retrying = createRetry(settings, true);
  const retryingQuickFailures = createRetry(settings, false);

  metrics.breakerState.set(labels, breakerState.closed);
  // cockatiel moves an open breaker to half-open only inside `execute`, so its own `state` stays
  // `open` for a caller that asks before trying; `state()` below answers from the opening time.
  let openedAtMs = 0;
  breaker.onStateChange((state) => {
    const name = stateNames[state];
    if (name === 'open') openedAtMs = Date.now();
    metrics.breakerState.set(labels, gaugeValues[name]);
    logStateChange(logger, dependency, name, breaker);
  });

  const unavailable = unavailableErrors(dependency, settings);

  /** The timeout as the breaker should see it: excused when our own stall ate the attempt's time. */
  const blameable = (startedMs: number, error: unknown): unknown => {
    // Only while closed: in half-open the trial's outcome decides, and an excused error would close it.
    if (!isTaskCancelledError(error) || breaker.state !== CircuitState.Closed) return error;
    const stalledMs = stalledMsSince(startedMs);
    return stalledMs >= settings.timeoutMs * STALLED_SHARE_EXCUSES_TIMEOUT ? new TimeoutDuringOwnStall(stalledMs, { cause: error }) : error;
  };

  async function attempt<T>(fn: (signal: AbortSignal) => Promise<T>, caller: AbortSignal | undefined): Promise<T> {
    const cancellable = caller ? cancelledBy(caller, fn) : fn;
    const startedMs = performance.now();
    try {
      return await breaker.execute(() =>
        runWithTimeout(attemptTimeout, cancellable).catch((error: unknown) => {
          throw blameable(startedMs, error);
        }),
      );
    } catch (error) {
      if (error instanceof CallerCancelled) throw error;
      if (error instanceof TimeoutDuringOwnStall) {
        logger.warn({ dependency, stalledMs: Math.round(error.stalledMs) }, 'vendor attempt timed out during our own event-loop stall; not counted against the vendor');
        throw unavailable(error.cause)!;
      }
      metrics.vendorErrorsTotal.inc(labels);
      throw unavailable(error) ?? error;
    }
  }

  return {
    dependency,
    attemptTimeoutMs: settings.timeoutMs,
    execute(fn, executeOptions = {}) {
      const caller = executeOptions.signal;
      if (caller?.aborted) return Promise.reject(new CallerCancelled(`${dependency} call cancelled by the caller before it started`));
      const retry = executeOptions.retryTimeouts === false ? retryingQuickFailures : retrying;
      if (executeOptions.idempotent !== true || retry === undefined) return attempt(fn, caller);
      return retry.execute(() => attempt(fn, caller));
    },
    state() {
      const name = stateNames[breaker.state];
      return name === 'open' && Date.now() - openedAtMs >= settings.halfOpenAfterMs ? 'half-open' : name;
    },
  };
}

interface Settings {
  timeoutMs: number;
  retries: number;
  retryInitialMs: number;
  retryMaxMs: number;
  consecutiveFailures: number;
  halfOpenAfterMs: number;
}

function validate(options: VendorPolicyOptions): Settings {
  const settings: Settings = {
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    retryInitialMs: options.retryDelay?.initialMs ?? DEFAULT_RETRY_INITIAL_MS,
    retryMaxMs: options.retryDelay?.maxMs ?? DEFAULT_RETRY_MAX_MS,
    consecutiveFailures: options.breaker?.consecutiveFailures ?? DEFAULT_CONSECUTIVE_FAILURES,
    halfOpenAfterMs: options.breaker?.halfOpenAfterMs ?? DEFAULT_HALF_OPEN_AFTER_MS,
  };
  const positive = ['timeoutMs', 'consecutiveFailures', 'halfOpenAfterMs', 'retryInitialMs', 'retryMaxMs'] as const;
  for (const key of positive) {
    if (!(settings[key] > 0) || !Number.isFinite(settings[key])) {
      throw new RangeError(`createVendorPolicy(${options.dependency}): ${key} must be a positive number, got ${settings[key]}`);
    }
  }
  if (!Number.isInteger(settings.retries) || settings.retries < 0) {
    throw new RangeError(`createVendorPolicy(${options.dependency}): retries must be 0 or more, got ${settings.retries}`);
  }
  return Object.freeze(settings);
}

function createRetry(settings: Settings, retryTimeouts: boolean): RetryPolicy | undefined {
  if (settings.retries === 0) return undefined;
  // Not retried: requests the vendor rejected as wrong, calls the open breaker refused (retrying
  // those only spins until the breaker's own half-open timer), and timeouts where told so.
  const unavailableNotRetried = (reason: UnavailableReason) => reason === 'breaker_open' || (reason === 'timeout' && !retryTimeouts);
  const worthRetrying = handleWhen(
    (error) => !isNonRetryable(error) && !(error instanceof VendorUnavailableError && unavailableNotRetried(error.reason)),
  );
  return retry(worthRetrying, {
    maxAttempts: settings.retries,
    backoff: new ExponentialBackoff({ initialDelay: settings.retryInitialMs, maxDelay: settings.retryMaxMs }),
  });
}

/** `fn` aborted by the caller's signal as well as the attempt's; its failure then reads as `CallerCancelled`. */
function cancelledBy<T>(caller: AbortSignal, fn: (signal: AbortSignal) => Promise<T>): (signal: AbortSignal) => Promise<T> {
  return async (signal) => {
    try {
      return await fn(AbortSignal.any([signal, caller]));
    } catch (error) {
      if (caller.aborted) throw new CallerCancelled('cancelled by the caller', { cause: error });
      throw error;
    }
  };
}

function runWithTimeout<T>(policy: TimeoutPolicy, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return policy.execute(({ signal }) => fn(signal));
}

/** Maps cockatiel's breaker and timeout rejections to our typed error; anything else passes through. */
function unavailableErrors(dependency: Dependency, settings: Settings) {
  return (error: unknown): VendorUnavailableError | undefined => {
    if (isBrokenCircuitError(error)) {
      return new VendorUnavailableError(
        dependency,
        'breaker_open',
        `${dependency} is unavailable: its circuit breaker opened after ${settings.consecutiveFailures} ` +
          `consecutive failures and refuses calls for ${settings.halfOpenAfterMs} ms before a trial call. ` +
          'Retry later; if it persists, check the vendor’s status and ' +
          `frontdesk_vendor_errors_total{dependency="${dependency}"}.`,
        { cause: error },
      );
    }
    if (isTaskCancelledError(error)) {
      return new VendorUnavailableError(
        dependency,
        'timeout',
        `${dependency} did not answer within ${settings.timeoutMs} ms and the request was aborted. ` +
          'Retry later; if it persists, check the vendor’s status and network path.',
        { cause: error },
      );
    }
    return undefined;
  };
}

function logStateChange(
  logger: Logger,
  dependency: Dependency,
  state: BreakerStateName,
  breaker: CircuitBreakerPolicy,
): void {
  if (state === 'open') {
    const last = breaker.lastFailure;
    const err = last !== undefined && 'error' in last ? last.error : undefined;
    logger.warn({ dependency, breakerState: state, err }, 'vendor circuit breaker opened; failing fast');
  } else if (state === 'half-open') {
    logger.info({ dependency, breakerState: state }, 'vendor circuit breaker half-open; trying one call');
  } else {
    logger.info({ dependency, breakerState: state }, 'vendor circuit breaker closed; calls flow again');
  }
}
