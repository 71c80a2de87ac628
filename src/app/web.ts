import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { createSoftphone } from '../admin/softphone.js';
import { SoftphoneLine } from '../admin/softphone-line.js';
import type { TextChannelDependencies } from '../channels/inbound-text.js';
import { LateTextReplies } from '../channels/late-text-replies.js';
import { createTeamInbox } from '../channels/team-inbox.js';
import { createTextRateLimit } from '../channels/text-rate-limit.js';
import type { BusinessDirectory } from '../config/business-directory.js';
import { publicUrlFor, type Env } from '../config/env.js';
import { resolveTwilioAuthToken } from '../config/twilio-auth-token.js';
import type { VendorStatus } from '../config/vendors.js';
import type { VendorPolicy } from '../resilience/vendor-policy.js';
import { createHttpApp } from '../http/app.js';
import type { HealthCheck } from '../http/routes/health.js';
import { ipRateLimit } from '../http/ip-rate-limit.js';
import { createHttpLogger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { IdempotencyLedger } from '../resilience/idempotency-ledger.js';
import { createScheduler } from '../scheduling/scheduler.js';
import { createSpeech } from '../speech/index.js';
import { startMediaStreamCalls } from '../voice/stream/media-stream-calls.js';
import type { CalendarSetup } from './calendar.js';
import type { StartOptions } from './frontdesk.js';
import { createUnderstanding } from './understanding.js';

export interface WebDependencies {
  env: Env;
  options: StartOptions;
  logger: Logger;
  dataSource: DataSource;
  redis: Redis;
  directory: BusinessDirectory;
  metrics: Metrics;
  calendar: CalendarSetup;
  vendors: readonly VendorStatus[];
  /** The process's one Twilio REST policy (`createTwilioPolicy`). */
  twilioPolicy: VendorPolicy;
  healthChecks: HealthCheck[];
  now(): Date;
}

export interface RunningWeb {
  url: string;
  publicUrl: string;
  stop(): Promise<void>;
}

/**
 * The web role: the conversations (texts and speech-mode calls share one dialog), media-stream
 * calls with the admin's softphone line, and the HTTP app over them, listening on PORT.
 */
export async function startWeb(deps: WebDependencies): Promise<RunningWeb> {
  const { env, options, logger, dataSource, redis, directory, metrics, calendar } = deps;
  // The speech SDKs load before the port opens: a call in their first second would otherwise
  // find its greeting not yet synthesised and be answered in <Gather> mode.
  const speech = createSpeech(env, metrics, logger, options.voice?.speech);
  await speech.ready();
  const server = createServer();
  const port = await listen(server, env.PORT);
  const publicUrl = publicUrlFor(env, port);
  const token = resolveTwilioAuthToken(env);
  if (token.source === 'local') {
    logger.info({ path: token.path }, 'no TWILIO_AUTH_TOKEN: webhooks are verified with a local development token');
  }
  const conversations: TextChannelDependencies = {
    dataSource,
    businesses: directory,
    dialog: {
      scheduler: createScheduler({ dataSource, businesses: directory, calendar: calendar.calendar, logger, metrics, now: deps.now }),
      understanding: createUnderstanding(env, metrics, logger, options.vendors?.openai),
      team: createTeamInbox(dataSource),
    },
    now: deps.now,
    logger,
    textRateLimit: createTextRateLimit(redis, options.textRateLimit),
  };
  const lateTextReplies = new LateTextReplies(conversations);
  // The admin's browser softphone reaches /media-streams without Twilio; see src/admin/softphone-line.ts.
  const softphoneLine = new SoftphoneLine({ dataSource, logger, onCallEnded: (outcome) => metrics.callsTotal.inc({ outcome }) });
  const mediaCalls = startMediaStreamCalls({
    env, server, publicUrl, authToken: token.token, conversations, metrics, logger, twilioPolicy: deps.twilioPolicy, localCalls: softphoneLine, speech,
    ...(options.voice?.call ? { call: options.voice.call } : {}),
  });
  const calendarHealth = () => ({ provider: calendar.calendar.name, authorization: calendar.authorization() });
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
        ...(options.textRateLimit?.keyPrefix ? { keyPrefix: `${options.textRateLimit.keyPrefix}:ip` } : {}),
        ...options.textWebhookIpLimit,
      }),
      ledger: new IdempotencyLedger(dataSource),
      metrics,
      metricsToken: env.METRICS_TOKEN,
      healthChecks: deps.healthChecks,
      vendors: deps.vendors,
      healthDetails: () => ({ calendar: calendarHealth() }),
      logger,
      requestLogger: createHttpLogger(logger),
      admin: {
        password: env.ADMIN_PASSWORD,
        secureCookies: publicUrl.startsWith('https:'),
        dataSource,
        businesses: directory,
        bookings: conversations.dialog.scheduler,
        health: { checks: deps.healthChecks, vendors: deps.vendors, registry: metrics.registry, calendar: calendarHealth },
        now: deps.now,
        logger,
        softphone: createSoftphone({ env, dataSource, streams: mediaCalls.streams, line: softphoneLine }),
      },
    }),
  );
  logger.info({ port, publicUrl }, 'web listening');
  return {
    url: `http://127.0.0.1:${port}`,
    publicUrl,
    async stop() {
      // Calls first (their streams close, their turns are stored); then stop accepting, let
      // requests in flight finish, drop idle keep-alive sockets, and finish late text replies.
      await mediaCalls.close();
      await softphoneLine.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await lateTextReplies.drain();
    },
  };
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
