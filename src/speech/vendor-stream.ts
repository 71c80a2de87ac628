import type { VendorPolicy } from '../resilience/vendor-policy.js';

/**
 * How a long-lived vendor stream (a call's transcription, a sentence's audio) goes through the
 * one vendor policy. The policy's attempt signal is aborted as soon as `execute` returns
 * (cockatiel aborts on return), so it cannot own a stream that outlives the call to `execute`.
 * Instead the policy covers opening the stream — connect, or request up to the first audio —
 * with its timeout, retries and breaker, and the stream runs on its own controller afterwards.
 */

export type Opened<T> = { cancelled: false; value: T } | { cancelled: true };

/**
 * Runs `open` under `policy` with `controller.signal` for its I/O. A policy timeout aborts
 * `controller`. When `callerSignal` aborts (a barge-in), the attempt resolves as cancelled
 * instead of failing, so a cancellation is never counted as the vendor's error.
 */
export async function openUnderPolicy<T>(
  policy: VendorPolicy,
  controller: AbortController,
  open: (signal: AbortSignal) => Promise<T>,
  callerSignal: AbortSignal | undefined,
  options: { idempotent: boolean },
): Promise<Opened<T>> {
  if (callerSignal?.aborted) return { cancelled: true };
  return policy.execute(async (attemptSignal) => {
    const abortStream = () => controller.abort(attemptSignal.reason);
    attemptSignal.addEventListener('abort', abortStream, { once: true });
    try {
      if (attemptSignal.aborted) abortStream();
      return { cancelled: false, value: await open(controller.signal) } as const;
    } catch (error) {
      if (callerSignal?.aborted) return { cancelled: true } as const;
      throw error;
    } finally {
      attemptSignal.removeEventListener('abort', abortStream);
    }
  }, options);
}

/**
 * Records a failure of an already-open stream (a drop mid-call, a stall mid-sentence) with the
 * policy, so it counts in `vendor_errors_total` and towards the breaker like a failed open.
 * VendorPolicy has no direct "record failure" method, so this runs an attempt that fails with
 * the error. The policy's rethrow (the error, or a breaker-open refusal) is expected and dropped:
 * the stream's consumer is told about the failure by the stream itself. Never rejects.
 */
export async function recordStreamFailure(policy: VendorPolicy, error: Error): Promise<void> {
  try {
    await policy.execute(() => Promise.reject(error));
  } catch {
    // Always taken: the policy rethrows our error, or refuses with its breaker-open error.
    // Either way the failure is now counted, which is all this is for.
  }
}

/** Links a caller's signal to a controller; returns the unlink function. */
export function linkAbort(signal: AbortSignal | undefined, controller: AbortController): () => void {
  if (!signal) return () => undefined;
  const abort = () => controller.abort(signal.reason);
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  return () => signal.removeEventListener('abort', abort);
}
