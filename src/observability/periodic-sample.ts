import type { Logger } from 'pino';

/**
 * Runs `sample` now and then every `intervalMs`, one run at a time (a slow one delays the next
 * rather than overlapping it). A failure is logged once until a run succeeds again, so a gauge
 * whose source is down does not fill the log. `stop` waits for the run in progress.
 */
export function startPeriodicSample(options: {
  sample: () => Promise<void>;
  intervalMs: number;
  logger: Logger;
  /** Logged, once per outage, when `sample` fails. */
  failureMessage: string;
}): { stop(): Promise<void> } {
  let failing = false;
  const run = async () => {
    try {
      await options.sample();
      failing = false;
    } catch (error) {
      if (!failing) options.logger.warn({ err: error }, options.failureMessage);
      failing = true;
    }
  };
  let running = run();
  const timer = setInterval(() => {
    running = running.then(run);
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
