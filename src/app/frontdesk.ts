import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { BusinessDirectory } from '../config/business-directory.js';
import { publicUrlFor, type Env } from '../config/env.js';
import { loadBusinesses } from '../config/load-businesses.js';
import { resolveTwilioAuthToken } from '../config/twilio-auth-token.js';
import { describeVendors } from '../config/vendors.js';
import { createHttpApp } from '../http/app.js';
import { startJobRuntime } from '../jobs/job-runtime.js';
import { queuePrefixFor } from '../jobs/queues.js';
import { startOutboxGauge } from '../jobs/outbox-gauge.js';
import { createHttpLogger } from '../observability/logger.js';
import { startEventLoopLagSampler } from '../observability/event-loop-lag.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { LateTextReplies } from '../channels/late-text-replies.js';
import { createTeamInbox } from '../channels/team-inbox.js';
import type { TextChannelDependencies } from '../channels/inbound-text.js';
import { createTextRateLimit, type TextRateLimitOptions } from '../channels/text-rate-limit.js';
import { ipRateLimit, type IpRateLimitOptions } from '../http/ip-rate-limit.js';
import { createScheduler } from '../scheduling/scheduler.js';
import { createCalendar } from './calendar.js';
import { createSenders } from './senders.js';
import { createUnderstanding } from './understanding.js';
import { startMediaStreamCalls } from '../voice/stream/media-stream-calls.js';
import { createSoftphone } from '../admin/softphone.js';
import { SoftphoneLine } from '../admin/softphone-line.js';
import type { CallTuning } from '../voice/stream/call-session.js';
import type { SpeechTuning } from '../speech/index.js';
import { IdempotencyLedger } from '../resilience/idempotency-ledger.js';
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

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * The composition root: validated config in, a running service out. Fails before listening when
 * the config is invalid or Postgres is unreachable; Redis being down only degrades (health 503).
 */
export interface StartOptions {
  /** The clock every conversation and booking reads; the chat simulator and tests pin it. */
  now?: () => Date;
  /** Per-number text limits; tests give each app its own Redis key prefix. */
  textRateLimit?: TextRateLimitOptions;
  /** Per-address cap on text webhooks (default 3000 a minute); tests that flood on purpose raise it. */
  textWebhookIpLimit?: IpRateLimitOptions;
  /** Media-stream call timings (silence, fillers, endpointing) and speech vendor policies; tests shorten them. */
  voice?: { call?: CallTuning; speech?: SpeechTuning };
}

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
  const calendar = createCalendar(env, metrics, logger);
  const stops: (() => Promise<void>)[] = [];

  let url: string | undefined;
  let publicUrl: string | undefined;
  if (role === 'web' || role === 'all') {
    const server = createServer();
    const port = await listen(server, env.PORT);
    url = `http://127.0.0.1:${port}`;
    publicUrl = publicUrlFor(env, port);
    const token = resolveTwilioAuthToken(env);
    if (token.source === 'local') {
      logger.info({ path: token.path }, 'no TWILIO_AUTH_TOKEN: webhooks are verified with a local development token');
    }
    const conversations: TextChannelDependencies = {
      dataSource,
      businesses: directory,
      dialog: {
        scheduler: createScheduler({ dataSource, businesses: directory, calendar: calendar.calendar, logger, metrics, now }),
        understanding: createUnderstanding(env, metrics, logger),
        team: createTeamInbox(dataSource),
      },
      now,
      logger,
      textRateLimit: createTextRateLimit(redis, options.textRateLimit),
    };
    const lateTextReplies = new LateTextReplies(conversations);
    // The admin's browser softphone reaches /media-streams without Twilio; see src/admin/softphone-line.ts.
    const softphoneLine = new SoftphoneLine({ dataSource, logger, onCallEnded: (outcome) => metrics.callsTotal.inc({ outcome }) });
    const mediaCalls = startMediaStreamCalls({ env, server, publicUrl, authToken: token.token, conversations, metrics, logger, localCalls: softphoneLine, ...options.voice });
    server.on(
      'request',
      createHttpApp({
        publicUrl,
        twilioAuthToken: token.token,
        businesses: directory,
        conversations,
        voiceStreams: mediaCalls.streams,
        lateTextReplies,
        textWebhookIpLimit: ipRateLimit(redis, {
          requestsPerWindow: 3000,
          ...(options.textRateLimit?.keyPrefix ? { keyPrefix: `${options.textRateLimit.keyPrefix}:ip` } : {}),
          ...options.textWebhookIpLimit,
        }),
        ledger: new IdempotencyLedger(dataSource),
        metrics,
        metricsToken: env.METRICS_TOKEN,
        healthChecks: healthChecks(dataSource, redis),
        vendors,
        healthDetails: () => ({ calendar: { provider: calendar.calendar.name, authorization: calendar.authorization() } }),
        logger,
        requestLogger: createHttpLogger(logger),
        admin: {
          password: env.ADMIN_PASSWORD,
          secureCookies: publicUrl.startsWith('https:'),
          dataSource,
          businesses: directory,
          bookings: conversations.dialog.scheduler,
          health: {
            checks: healthChecks(dataSource, redis),
            vendors,
            registry: metrics.registry,
            calendar: () => ({ provider: calendar.calendar.name, authorization: calendar.authorization() }),
          },
          now,
          logger,
          softphone: createSoftphone({ env, dataSource, streams: mediaCalls.streams, line: softphoneLine }),
        },
      }),
    );
    logger.info({ port, publicUrl }, 'web listening');
    stops.push(async () => {
      // Calls first (their streams close, their turns are stored); then stop accepting, let
      // requests in flight finish, drop idle keep-alive sockets.
      await mediaCalls.close();
      await softphoneLine.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await lateTextReplies.drain();
    });
  }
  // Every role reports the outbox backlog: Prometheus scrapes the web processes, and the count
  // is one cheap query against the shared database.
  const outboxGauge = startOutboxGauge({ dataSource, gauge: metrics.outboxPending, logger });
  stops.push(() => outboxGauge.stop());
  if (role === 'worker' || role === 'all') {
    const senders = createSenders(env, metrics, logger);
    const jobs = await startJobRuntime({
      dataSource,
      businesses: directory,
      calendar: calendar.calendar,
      logger,
      metrics,
      senders,
      redisUrl: env.REDIS_URL,
      databaseUrl: env.DATABASE_URL,
      prefix: queuePrefixFor(env.DATABASE_URL),
      mailFrom: env.MAIL_FROM,
      statusCallbackUrl: env.PUBLIC_URL ? `${env.PUBLIC_URL}/twilio/message-status` : undefined,
    });
    stops.push(async () => {
      await jobs.stop();
      senders.mail.close();
    });
    logger.info('worker started');
  }

  return {
    url,
    publicUrl,
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

function healthChecks(dataSource: DataSource, redis: Redis) {
  return [
    { name: 'postgres', probe: () => dataSource.query('SELECT 1') },
    { name: 'redis', probe: () => pingRedis(redis) },
  ];
}
