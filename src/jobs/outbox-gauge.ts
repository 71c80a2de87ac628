import type { DataSource } from 'typeorm';
import type { Gauge } from 'prom-client';
import type { Logger } from 'pino';
import { startPeriodicSample } from '../observability/periodic-sample.js';

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
  return startPeriodicSample({
    intervalMs: options.intervalMs ?? 5000,
    logger: options.logger,
    failureMessage: 'could not count pending outbox rows',
    async sample() {
      const rows: { pending: number }[] = await options.dataSource.query(
        `SELECT count(*)::int AS pending FROM outbox WHERE status IN ('pending', 'queued')`,
      );
      options.gauge.set(rows[0]?.pending ?? 0);
    },
  });
}
