import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { BusinessDirectory } from '../config/business-directory.js';
import { loadBusinesses } from '../config/load-businesses.js';
import { describeVendors } from '../config/vendors.js';
import { startOutboxGauge } from '../jobs/outbox-gauge.js';
import { startEventLoopLagSampler } from '../observability/event-loop-lag.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import type { Env } from '../config/env.js';
import type { TextRateLimitOptions } from '../channels/text-rate-limit.js';
import type { IpRateLimitOptions } from '../http/ip-rate-limit.js';
import { createCalendar } from './calendar.js';
import type { RetryOptions } from '../jobs/queues.js';
import { createTwilioPolicy, type VendorTuning } from './vendor-tuning.js';
import { startWeb } from './web.js';
import { startWorker } from './worker.js';
import type { CallTuning } from '../voice/stream/call-session.js';
import type { SpeechTuning } from '../speech/index.js';
import { syncBusinesses } from '../storage/business-sync.js';
import { createDataSource } from '../storage/data-source.js';
import { ensureDatabase } from '../storage/ensure-database.js';
import { applyMigrations } from '../storage/migrate.js';
import { createRedis, pingRedis, redactCredentials } from '../storage/redis.js';

/** `web` serves HTTP and media streams; `worker` runs jobs; `all` is both in one process. */
export type Role = 'web' | 'worker' | 'all';

export interface RunningFrontdesk {
  /** Where the web role listens (absent for a worker-only process). */
  url?: string;
  publicUrl?: string;
  metrics: Metrics;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** Connects to Postgres (creating the database if needed) and applies pending migrations. */
export async function openDatabase(env: Env, logger: Logger): Promise<DataSource> {
  const where = redactCredentials(env.DATABASE_URL);
  try {
    if (await ensureDatabase(env.DATABASE_URL)) logger.info({ database: where }, 'created database');
  } catch (error) {
    throw new Error(
      `cannot reach Postgres at ${where} (${(error as Error).message}); start it or set DATABASE_URL`,
      { cause: error },
    );
  }
  const dataSource = createDataSource({ url: env.DATABASE_URL });
  await dataSource.initialize();
  const applied = await applyMigrations(dataSource);
  logger.info({ applied }, applied.length ? 'migrations applied' : 'schema up to date');
  return dataSource;
}

/** What tests and simulators may change about a started Frontdesk. */
export interface StartOptions {
  /** The clock every conversation and booking reads; the chat simulator and tests pin it. */
  now?: () => Date;
  /** Per-number text limits; tests give each app its own Redis key prefix. */
  textRateLimit?: TextRateLimitOptions;
  /** Per-address cap on refused text webhooks (default 300 a minute); tests that forge thousands raise it. */
  textWebhookIpLimit?: IpRateLimitOptions;
  /** Media-stream call timings (silence, fillers, endpointing) and speech vendor policies; tests shorten them. */
  voice?: { call?: CallTuning; speech?: SpeechTuning };
  /** OpenAI, Twilio REST, SMTP and Google Calendar policy timings; fault tests shorten them. */
  vendors?: VendorTuning;
  /** Outbox job retries (attempts, backoff); fault tests shorten them. */
  jobRetry?: RetryOptions;
}

/**
 * The composition root: validated config in, a running service out. Fails before listening when
 * the config is invalid or Postgres is unreachable; Redis being down only degrades (health 503).
 */
export async function startFrontdesk(env: Env, role: Role, logger: Logger, options: StartOptions = {}): Promise<RunningFrontdesk> {
  const now = options.now ?? (() => new Date());
  const directory = new BusinessDirectory(loadBusinesses(env.BUSINESS_CONFIG));
  const vendors = describeVendors(env);
  for (const vendor of vendors) {
    logger.info(
      { vendor: vendor.vendor, mode: vendor.mode },
      `${vendor.vendor}: ${vendor.mode === 'configured' ? 'real' : 'local stand-in'} (${vendor.detail})`,
    );
  }

  const dataSource = await openDatabase(env, logger);
  await syncBusinesses(dataSource, directory.all());
  logger.info({ businesses: directory.all().map((business) => business.id) }, 'businesses loaded');

  const redis = createRedis(env.REDIS_URL, logger);
  const metrics = createMetrics();
  const lagSampler = startEventLoopLagSampler(metrics.eventLoopLagSeconds);
  const calendar = createCalendar(env, metrics, logger, options.vendors?.google_calendar);
  const stops: (() => Promise<void>)[] = [];

  const healthChecks = checksOf(dataSource, redis);
  const twilioPolicy = createTwilioPolicy(metrics, logger, options.vendors?.twilio);
  const common = { env, logger, dataSource, directory, metrics, calendar, twilioPolicy };
  const web = role === 'worker' ? undefined : await startWeb({ ...common, options, redis, vendors, healthChecks, now });
  if (web) stops.push(() => web.stop());
  // Every role reports the outbox backlog: Prometheus scrapes the web processes, and the count
  // is one cheap query against the shared database.
  const outboxGauge = startOutboxGauge({ dataSource, gauge: metrics.outboxPending, logger });
  stops.push(() => outboxGauge.stop());
  if (role !== 'web') {
    const worker = await startWorker({
      ...common,
      ...(options.vendors ? { vendors: options.vendors } : {}),
      ...(options.jobRetry ? { retry: options.jobRetry } : {}),
    });
    stops.push(() => worker.stop());
  }

  return {
    url: web?.url,
    publicUrl: web?.publicUrl,
    metrics,
    dataSource,
    async close() {
      await Promise.all(stops.map((stop) => stop()));
      lagSampler.stop();
      redis.disconnect();
      await dataSource.destroy();
    },
  };
}

function checksOf(dataSource: DataSource, redis: Redis) {
  return [
    { name: 'postgres', probe: () => dataSource.query('SELECT 1') },
    { name: 'redis', probe: () => pingRedis(redis) },
  ];
}
