/**
 * One Frontdesk process for fault #6, there to be killed with SIGKILL. It runs what books and
 * what confirms: the scheduling service's `book` (the appointment and its `confirmation` outbox
 * row commit in one transaction, as when a caller or texter says yes) and the worker role's job
 * runtime (the outbox relay, the BullMQ workers, and the production senders pointed at the
 * parent's Twilio REST and SMTP fakes).
 *
 * Why not the whole `startFrontdesk(env, 'all')`: its composition root loads every vendor SDK
 * (googleapis, Deepgram, ElevenLabs, OpenAI), about 3 s of CPU per start against under 1 s for
 * this, and the test starts 100 processes on 2 shared cores. And the worker role's lease (120 s)
 * and lock (30 s) are shortened here to about a second, so a row whose sender died is taken over
 * within the test's time rather than minutes later.
 *
 * Protocol (lines): it loads every module and prints `loaded`, then waits for a first line on
 * stdin before it connects to anything — the parent keeps the next process warm this way
 * without it touching the database while the one before is killed — and prints `ready` once
 * the runtime runs. Each later stdin line `book {"phone","email"?,"start"}` prints
 * `booking <phone>` right before the booking's transaction, then `booked <phone> <id>`, `taken
 * <phone>` (no one free then) or `failed <phone> <message>`. Configuration: JSON in argv[2].
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createSenders } from '../../src/app/senders.js';
import { BusinessDirectory } from '../../src/config/business-directory.js';
import { parseEnv } from '../../src/config/env.js';
import { loadBusinesses } from '../../src/config/load-businesses.js';
import { startJobRuntime } from '../../src/jobs/job-runtime.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createLocalCalendarProvider } from '../../src/scheduling/local-calendar-provider.js';
import { createScheduler, SlotTaken } from '../../src/scheduling/scheduler.js';
import { createDataSource } from '../../src/storage/data-source.js';

export interface KillChildConfig {
  /** The app's environment: DATABASE_URL, REDIS_URL, TWILIO_*, SMTP_URL, MAIL_FROM, LOG_LEVEL. */
  env: Record<string, string>;
  /** BullMQ key prefix shared by every process of one test run. */
  prefix: string;
  businessId: string;
  serviceId: string;
  /** A claimed row untouched this long is taken over, in ms (production: 120 000). */
  leaseMs: number;
  /** BullMQ lock: how soon a dead worker's job runs again, in ms (production: 30 000). */
  lockDurationMs: number;
}

export interface BookCommand {
  phone: string;
  email?: string;
  /** ISO instant. */
  start: string;
}

const config = JSON.parse(process.argv[2]!) as KillChildConfig;
const lines = createInterface({ input: process.stdin });
const say = (line: string) => process.stdout.write(`${line}\n`);
say('loaded');
await once(lines, 'line');

const env = parseEnv({ LOG_LEVEL: 'silent', ...config.env });
// stdout carries the protocol; the app's log lines go to stderr, which the parent shows.
const logger = createLogger({ level: env.LOG_LEVEL, destination: process.stderr });
const metrics = createMetrics();
const dataSource = createDataSource({ url: env.DATABASE_URL });
await dataSource.initialize();
const businesses = new BusinessDirectory(loadBusinesses(env.BUSINESS_CONFIG));
const calendar = createLocalCalendarProvider();
const scheduler = createScheduler({ dataSource, businesses, calendar, logger, metrics, now: () => new Date() });
await startJobRuntime({
  dataSource,
  businesses,
  calendar,
  logger,
  metrics,
  senders: createSenders(env, metrics, logger),
  redisUrl: env.REDIS_URL,
  databaseUrl: env.DATABASE_URL,
  prefix: config.prefix,
  mailFrom: env.MAIL_FROM,
  leaseMs: config.leaseMs,
  lockDurationMs: config.lockDurationMs,
  relayPollMs: 50,
  retry: { attempts: 50, backoffMs: 100, maxBackoffMs: 1000 },
});
say('ready');

lines.on('line', (line) => {
  if (!line.startsWith('book ')) return;
  void book(JSON.parse(line.slice('book '.length)) as BookCommand);
});

async function book(command: BookCommand): Promise<void> {
  say(`booking ${command.phone}`);
  try {
    const { booking } = await scheduler.book({
      businessId: config.businessId,
      serviceId: config.serviceId,
      start: new Date(command.start),
      customer: { phone: command.phone, email: command.email },
      channel: 'sms',
    });
    say(`booked ${command.phone} ${booking.id}`);
  } catch (error) {
    say(error instanceof SlotTaken ? `taken ${command.phone}` : `failed ${command.phone} ${(error as Error).message}`);
  }
}
