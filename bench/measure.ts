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
