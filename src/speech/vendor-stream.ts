import type { VendorPolicy } from '../resilience/vendor-policy.js';

/**
 * How a long-lived vendor stream (a call's transcription, a sentence's audio) goes through the
 * one vendor policy. The policy's attempt signal is aborted as soon as `execute` returns
 * (cockatiel aborts on return), so it cannot own a stream that outlives the call to `execute`.
 * Instead the policy covers opening the stream — connect, or request up to the first audio —
 * with its timeout, retries and breaker, and the stream then runs on a controller of its own.
 */

export type Opened<T> =
  | {
      cancelled: false;
      value: T;
      /** Owns the open stream's I/O from now on; aborting it tears the stream down. */
      controller: AbortController;
      /** Detaches the caller's signal from `controller`. */
      unlinkCaller: () => void;
    }
  | { cancelled: true };

/**
 * Runs `open` under `policy`. Each attempt gets a fresh controller (a retry after a timeout must
 * not start out aborted), aborted by the policy's timeout and by `callerSignal`. When
 * `callerSignal` aborts (a barge-in), the attempt resolves as cancelled instead of failing, so
 * a cancellation is never counted as the vendor's error.
 */
export async function openUnderPolicy<T>(
  policy: VendorPolicy,
  open: (signal: AbortSignal) => Promise<T>,
  callerSignal: AbortSignal | undefined,
  options: { idempotent: boolean },
): Promise<Opened<T>> {
  if (callerSignal?.aborted) return { cancelled: true };
  return policy.execute(async (attemptSignal): Promise<Opened<T>> => {
    const controller = new AbortController();
    const unlinkCaller = linkAbort(callerSignal, controller);
    const unlinkAttempt = linkAbort(attemptSignal, controller);
    try {
      const value = await open(controller.signal);
      return { cancelled: false, value, controller, unlinkCaller };
    } catch (error) {
      controller.abort();
      unlinkCaller();
      if (callerSignal?.aborted) return { cancelled: true };
      throw error;
    } finally {
      unlinkAttempt();
    }
  }, options);
}

/**
 * Records a failure of an already-open stream (a drop mid-call, a stall mid-sentence) with the
 * policy, so it counts in `vendor_errors_total` and towards the breaker like a failed open.
 * VendorPolicy has no direct "record failure" method, so this runs an attempt that fails with
 * the error. Never rejects: the stream's consumer hears of the failure from the stream itself.
 */
export async function recordStreamFailure(policy: VendorPolicy, error: Error): Promise<void> {
  try {
    await policy.execute(() => Promise.reject(error));
  } catch {
    // Always taken: the policy rethrows our error, or refuses with its breaker-open error.
    // Either way the failure is now counted, which is all this is for.
  }
}

/** Aborts `controller` when `signal` aborts; returns the function that detaches them. */
export function linkAbort(signal: AbortSignal | undefined, controller: AbortController): () => void {
  if (!signal) return () => undefined;
  const abort = () => controller.abort(signal.reason);
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  return () => signal.removeEventListener('abort', abort);
}
