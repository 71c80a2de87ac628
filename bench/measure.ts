/** Wall-clock times in milliseconds of `runs` calls after `warmup` unmeasured ones. */
export function measure(work: () => unknown, options: { warmup: number; runs: number }): number[] {
  for (let i = 0; i < options.warmup; i += 1) work();
  const times: number[] = [];
  for (let i = 0; i < options.runs; i += 1) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return times;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Prints `name_p50: n ms` and `name_p99: n ms`, one figure per line. */
export function report(name: string, timesMs: readonly number[]): void {
  console.log(`${name}_p50: ${percentile(timesMs, 50).toFixed(3)} ms`);
  console.log(`${name}_p99: ${percentile(timesMs, 99).toFixed(3)} ms`);
}

/** Sampling period of the event-loop delay histograms, in ms. */
export const LAG_RESOLUTION_MS = 5;

/**
 * p99 event-loop lag from a `monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS })` histogram.
 * Node records the whole interval between two samples, so an idle loop reads as the resolution
 * itself (p50 ≈ 5.1 ms at 5 ms); the lag is what exceeds it.
 */
export function loopDelayP99Ms(histogram: { percentile(p: number): number }): number {
  return Math.max(0, histogram.percentile(99) / 1e6 - LAG_RESOLUTION_MS);
}
