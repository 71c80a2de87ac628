import type { Queue } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { startPeriodicSample } from '../observability/periodic-sample.js';

/**
 * Samples `queue_depth{queue}`: jobs ready to run and not yet taken (waiting + prioritized).
 * Delayed jobs are left out on purpose: reminders sit delayed for days and are not a backlog.
 */
export function startQueueDepthSampler(options: {
  queues: Iterable<Queue>;
  metrics: Pick<Metrics, 'queueDepth'>;
  logger: Logger;
  intervalMs: number;
}): { stop(): Promise<void> } {
  const queues = [...options.queues];
  return startPeriodicSample({
    intervalMs: options.intervalMs,
    logger: options.logger,
    failureMessage: 'could not read queue depths',
    async sample() {
      for (const queue of queues) {
        const counts = await queue.getJobCounts('wait', 'prioritized');
        options.metrics.queueDepth.set({ queue: queue.name }, (counts.wait ?? 0) + (counts.prioritized ?? 0));
      }
    },
  });
}
