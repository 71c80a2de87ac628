import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createVendorPolicy, type BreakerOptions, type RetryDelayOptions, type VendorPolicy } from '../resilience/vendor-policy.js';

/** One vendor policy's timings, over its defaults; tests shorten them. */
export interface PolicyTuning {
  timeoutMs?: number;
  retries?: number;
  retryDelay?: RetryDelayOptions;
  breaker?: BreakerOptions;
}

/** Tuning of the policies built in `app/` (the speech ones are tuned with `voice.speech`). */
export interface VendorTuning {
  openai?: PolicyTuning;
  twilio?: PolicyTuning;
  smtp?: PolicyTuning;
  google_calendar?: PolicyTuning;
}

/**
 * The one `twilio` policy of a process: call control (web) and the text senders (worker) share
 * it, so the `all` role has one Twilio breaker and one `breaker_state{dependency="twilio"}`, not
 * two writers of the same gauge that disagree. Retries apply only to idempotent requests.
 */
export function createTwilioPolicy(metrics: Metrics, logger: Logger, tuning?: PolicyTuning): VendorPolicy {
  return createVendorPolicy({ dependency: 'twilio', metrics, logger, ...tuned({ timeoutMs: 8000, retries: 2 }, tuning) });
}

/** A policy's settings: the defaults, with any tuning on top. */
export function tuned(defaults: { timeoutMs: number; retries: number }, tuning: PolicyTuning = {}) {
  return {
    timeoutMs: tuning.timeoutMs ?? defaults.timeoutMs,
    retries: tuning.retries ?? defaults.retries,
    ...(tuning.retryDelay ? { retryDelay: tuning.retryDelay } : {}),
    ...(tuning.breaker ? { breaker: tuning.breaker } : {}),
  };
}
