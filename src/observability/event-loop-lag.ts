import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How often Node's probe timer fires, in milliseconds; each firing late is one sample. */
const RESOLUTION_MS = 10;

export interface EventLoopLagSampler {
  /** Stops sampling; safe to call more than once. */
  stop(): void;
}

/**
 * Every `intervalMs`, sets `gauge` to the p99 event loop delay of the window just ended, in
 * seconds, then starts a new window. The audio path paces 20 ms frames on this loop, so a p99
 * near 0.02 means callers hear gaps. The timer is unref'ed: sampling never keeps the process up.
 */
export function startEventLoopLagSampler(
  gauge: { set(value: number): void },
  intervalMs = 1000,
): EventLoopLagSampler {
  if (!Number.isFinite(intervalMs) || intervalMs < 2 * RESOLUTION_MS) {
    throw new RangeError(`event loop lag interval must be at least ${2 * RESOLUTION_MS} ms, got ${intervalMs}`);
  }
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const timer = setInterval(() => {
    if (histogram.count > 0) {
      // Node records the whole gap between probe firings, which includes the resolution itself.
      const lagNs = Math.max(0, histogram.percentile(99) - RESOLUTION_MS * 1e6);
      gauge.set(lagNs / 1e9);
    }
    histogram.reset();
  }, intervalMs);
  timer.unref();
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      histogram.disable();
    },
  };
}
