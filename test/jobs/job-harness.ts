import { randomBytes } from 'node:crypto';
import type { Business } from '../../src/config/business-schema.js';
import { createSmtpMailSender } from '../../src/channels/senders/mail-senders.js';
import { createTwilioTextSenders } from '../../src/channels/senders/twilio-text-sender.js';
import { redisConnection } from '../../src/jobs/queues.js';
import { startJobRuntime, type JobRuntime, type JobRuntimeDependencies } from '../../src/jobs/job-runtime.js';
import { createLogger, type Logger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { createVendorPolicy } from '../../src/resilience/vendor-policy.js';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.js';
import { startFakeTwilioRest, type FakeTwilioRest } from '../fakes/twilio-rest.js';
import { schedulingHarness, type SchedulingHarness } from '../support/scheduling.js';

export const TEST_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface JobHarness {
  h: SchedulingHarness;
  twilio: FakeTwilioRest;
  smtp: FakeSmtp;
  metrics: Metrics;
  logger: Logger;
  prefix: string;
  runtime: JobRuntime | undefined;
  deps(overrides?: Partial<JobRuntimeDependencies>): JobRuntimeDependencies;
  start(overrides?: Partial<JobRuntimeDependencies>): Promise<JobRuntime>;
  close(): Promise<void>;
}

/** A database holding `business`, Twilio and SMTP fakes, and (after `start`) a job runtime on a fresh queue prefix. */
export async function jobHarness(business: Business, now: Date): Promise<JobHarness> {
  const h = await schedulingHarness(business, { now });
  const twilio = await startFakeTwilioRest();
  const smtp = await startFakeSmtp();
  const metrics = createMetrics();
  const logger = createLogger({ level: 'silent' });
  const policy = (dependency: 'twilio' | 'smtp') =>
    createVendorPolicy({ dependency, metrics, logger, timeoutMs: 1000, retries: 0 });
  const texts = createTwilioTextSenders({
    accountSid: twilio.accountSid,
    authToken: twilio.authToken,
    apiUrl: twilio.url,
    policy: policy('twilio'),
    logger,
  });
  const mail = createSmtpMailSender({ url: smtp.url, from: 'Test Salon <frontdesk@salon.test>', policy: policy('smtp') });
  const harness: JobHarness = {
    h,
    twilio,
    smtp,
    metrics,
    logger,
    prefix: `fd-test-${randomBytes(6).toString('hex')}`,
    runtime: undefined,
    deps: (overrides = {}) => ({
      dataSource: h.db.dataSource,
      businesses: h.context.businesses,
      calendar: h.context.calendar,
      logger,
      metrics,
      senders: { ...texts, mail },
      redisUrl: TEST_REDIS,
      prefix: harness.prefix,
      mailFrom: 'Test Salon <frontdesk@salon.test>',
      leaseMs: 3000,
      relayPollMs: 20,
      retry: { attempts: 4, backoffMs: 50 },
      lockDurationMs: 2000,
      queueDepthIntervalMs: 100,
      now: () => h.context.now(),
      ...overrides,
    }),
    async start(overrides) {
      harness.runtime = await startJobRuntime(harness.deps(overrides));
      return harness.runtime;
    },
    async close() {
      const queues = harness.runtime ? [...harness.runtime.queues.values()] : [];
      await harness.runtime?.stop();
      for (const queue of queues) {
        const { Queue } = await import('bullmq');
        const cleaner = new Queue(queue.name, { connection: redisConnection(TEST_REDIS), prefix: harness.prefix });
        await cleaner.obliterate({ force: true });
        await cleaner.close();
      }
      mail.close();
      await twilio.close();
      await smtp.close();
      await h.drop();
    },
  };
  return harness;
}

/** Polls `check` until it returns a value other than undefined/false; the mocha timeout bounds it. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, intervalMs = 20): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** True once no outbox row is waiting or in flight (reminders excepted: they wait by design). */
export async function outboxSettled(harness: JobHarness): Promise<boolean> {
  const rows: { n: number }[] = await harness.h.db.dataSource.query(
    `SELECT count(*)::int AS n FROM outbox WHERE status IN ('pending', 'queued', 'sending') AND kind <> 'reminder'`,
  );
  return rows[0]!.n === 0;
}
