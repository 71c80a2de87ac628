import type { DataSource } from 'typeorm';
import type { Gauge } from 'prom-client';
import type { Logger } from 'pino';

/**
 * Keeps `outbox_pending` current so an operator sees work piling up (Redis down, a vendor out)
 * before a customer notices a missing confirmation.
 */
export function startOutboxGauge(options: {
  dataSource: DataSource;
  gauge: Gauge;
  logger: Logger;
  intervalMs?: number;
}): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let failing = false;
  const sample = async () => {
    try {
      const rows: { pending: number }[] = await options.dataSource.query(
        `SELECT count(*)::int AS pending FROM outbox WHERE status IN ('pending', 'queued')`,
      );
      options.gauge.set(rows[0]?.pending ?? 0);
      failing = false;
    } catch (error) {
      if (!failing) options.logger.warn({ err: error }, 'could not count pending outbox rows');
      failing = true;
    }
  };
  const timer = setInterval(() => {
    running = sample();
  }, options.intervalMs ?? 5000);
  timer.unref();
  running = sample();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
