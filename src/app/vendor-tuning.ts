import type { BreakerOptions, RetryDelayOptions } from '../resilience/vendor-policy.js';

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

/** A policy's settings: the defaults, with any tuning on top. */
export function tuned(defaults: { timeoutMs: number; retries: number }, tuning: PolicyTuning = {}) {
  return {
    timeoutMs: tuning.timeoutMs ?? defaults.timeoutMs,
    retries: tuning.retries ?? defaults.retries,
    ...(tuning.retryDelay ? { retryDelay: tuning.retryDelay } : {}),
    ...(tuning.breaker ? { breaker: tuning.breaker } : {}),
  };
}
