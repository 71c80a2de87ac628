import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { BusinessDirectory } from '../config/business-directory.js';
import type { Env } from '../config/env.js';
import { startJobRuntime } from '../jobs/job-runtime.js';
import { queuePrefixFor } from '../jobs/queues.js';
import type { Metrics } from '../observability/metrics.js';
import type { VendorPolicy } from '../resilience/vendor-policy.js';
import type { CalendarSetup } from './calendar.js';
import type { RetryOptions } from '../jobs/queues.js';
import { createSenders } from './senders.js';
import type { VendorTuning } from './vendor-tuning.js';

/** The worker role: the outbox relay and the BullMQ workers, with the senders they deliver through. */
export async function startWorker(deps: {
  env: Env;
  logger: Logger;
  dataSource: DataSource;
  directory: BusinessDirectory;
  metrics: Metrics;
  calendar: CalendarSetup;
  /** The process's one Twilio REST policy (`createTwilioPolicy`). */
  twilioPolicy: VendorPolicy;
  vendors?: VendorTuning;
  retry?: RetryOptions;
}): Promise<{ stop(): Promise<void> }> {
  const { env, logger, metrics } = deps;
  const senders = createSenders(env, metrics, logger, deps.vendors, deps.twilioPolicy);
  const jobs = await startJobRuntime({
    dataSource: deps.dataSource,
    businesses: deps.directory,
    calendar: deps.calendar.calendar,
    logger,
    metrics,
    senders,
    redisUrl: env.REDIS_URL,
    databaseUrl: env.DATABASE_URL,
    prefix: queuePrefixFor(env.DATABASE_URL),
    mailFrom: env.MAIL_FROM,
    ...(deps.retry ? { retry: deps.retry } : {}),
    statusCallbackUrl: env.PUBLIC_URL ? `${env.PUBLIC_URL}/twilio/message-status` : undefined,
  });
  logger.info('worker started');
  return {
    async stop() {
      await jobs.stop();
      senders.mail.close();
    },
  };
}
