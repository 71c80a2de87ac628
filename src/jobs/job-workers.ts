import { UnrecoverableError, Worker, type BackoffStrategy, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { PermanentDeliveryError, type AttemptInfo } from './delivery-errors.js';
import type { QueueName } from './queues.js';

/** The work behind one queue: the outbox row's id in, a short outcome out (kept on the job). */
export type OutboxHandler = (outboxId: string, attempt: AttemptInfo) => Promise<string>;

export interface WorkerSettings {
  connection: ConnectionOptions;
  prefix: string;
  /** Jobs one worker runs at once. Default: 5. */
  concurrency?: number;
  /** How long a job's lock lasts without renewal; a worker that died is noticed after about this long, in ms. Default: 30 000. */
  lockDurationMs?: number;
  /** Computes the pause before a failed job's next attempt (`cappedBackoff`). */
  backoff: BackoffStrategy;
}

/**
 * One BullMQ worker per queue. A `PermanentDeliveryError` becomes BullMQ's `UnrecoverableError`
 * (no retry); everything else is retried with the job's backoff. `jobs_total{queue,result}`
 * counts every attempt's outcome.
 */
export function startWorker(
  queue: QueueName,
  handler: OutboxHandler,
  settings: WorkerSettings,
  metrics: Pick<Metrics, 'jobsTotal'>,
  logger: Logger,
): Worker {
  const lockDuration = settings.lockDurationMs ?? 30_000;
  const worker = new Worker(
    queue,
    async (job: Job<{ outboxId: string }>) => {
      const attempt = { lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) };
      try {
        return await handler(job.data.outboxId, attempt);
      } catch (error) {
        if (error instanceof PermanentDeliveryError) throw new UnrecoverableError(error.message);
        throw error;
      }
    },
    {
      connection: { ...settings.connection, maxRetriesPerRequest: null },
      prefix: settings.prefix,
      concurrency: settings.concurrency ?? 5,
      lockDuration,
      stalledInterval: lockDuration,
      settings: { backoffStrategy: settings.backoff },
    },
  );
  worker.on('completed', () => metrics.jobsTotal.inc({ queue, result: 'completed' }));
  worker.on('failed', (job, error) => {
    const attempts = job?.opts.attempts ?? 1;
    const result =
      error instanceof UnrecoverableError || error.name === 'UnrecoverableError'
        ? 'unrecoverable'
        : (job?.attemptsMade ?? attempts) < attempts
          ? 'retried'
          : 'failed';
    metrics.jobsTotal.inc({ queue, result });
    if (result === 'retried') return;
    // BullMQ fails a job whose worker died holding it too often; the outbox row is still not sent,
    // so the relay hands it out again when its lease ends. Not a loss: say so, not "for good".
    if (/stalled/i.test(error.message)) logger.info({ queue, jobId: job?.id }, 'job stalled (its worker died); the relay hands the row out again after its lease');
    else logger.warn({ queue, jobId: job?.id, err: error }, 'job failed for good');
  });
  let failing = false;
  worker.on('error', (error) => {
    if (!failing) logger.warn({ queue, err: error }, 'worker lost its Redis connection; it reconnects by itself');
    failing = true;
  });
  worker.on('ready', () => {
    failing = false;
  });
  return worker;
}
