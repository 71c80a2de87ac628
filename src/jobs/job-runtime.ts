import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { BusinessDirectory } from '../config/business-directory.js';
import type { MailSender } from '../channels/senders/mail-sender.js';
import type { SmsSender, WhatsAppSender } from '../channels/senders/text-sender.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { CalendarProvider } from '../scheduling/calendar-provider.js';
import { composeConfirmation, composeReminder, type BookingNoticeDependencies } from './booking-notices.js';
import { composeCallFollowUp } from './call-follow-up.js';
import { composeCallSummary } from './call-summary.js';
import { runCalendarSync } from './calendar-sync.js';
import { startWorker, type OutboxHandler } from './job-workers.js';
import { deliverMail } from './mail-delivery.js';
import { OutboxRelay } from './outbox-relay.js';
import { listenForOutboxInserts } from './outbox-wakeup.js';
import { startQueueDepthSampler } from './queue-depth.js';
import { cappedBackoff, jobOptions, openQueues, queueNames, redisConnection, type QueueName, type RetryOptions } from './queues.js';
import { deliverText } from './text-delivery.js';

export interface JobRuntimeDependencies {
  dataSource: DataSource;
  businesses: BusinessDirectory;
  calendar: CalendarProvider;
  logger: Logger;
  metrics: Metrics;
  senders: { sms: SmsSender; whatsapp: WhatsAppSender; mail: MailSender };
  /** REDIS_URL. */
  redisUrl: string;
  /** Key prefix of every queue. Default: `frontdesk`. Tests use a fresh random one. */
  prefix?: string;
  /** MAIL_FROM: sender of emails and organizer of invites. */
  mailFrom: string;
  /** PUBLIC_URL + /twilio/message-status, when the web role is reachable. */
  statusCallbackUrl?: string | undefined;
  /** A claimed row untouched this long is taken over (and checked), in ms. Default: 120 000. */
  leaseMs?: number;
  /** DATABASE_URL: with it the relay LISTENs for new outbox rows and moves them at once; without, it polls only. */
  databaseUrl?: string;
  /** Relay poll when nothing woke it, in ms. Default: 1 000. */
  relayPollMs?: number;
  retry?: RetryOptions;
  /** Jobs each queue's worker runs at once. Default: 5. */
  concurrency?: number;
  /** BullMQ lock duration: how soon a job of a dead worker runs again, in ms. Default: 30 000. */
  lockDurationMs?: number;
  /** `queue_depth` sampling interval, in ms. Default: 5 000. */
  queueDepthIntervalMs?: number;
  /** Which parts run; default all. A process may run the relay alone, or workers alone. */
  run?: { relay?: boolean; workers?: boolean };
  now?: () => Date;
}

export interface JobRuntime {
  readonly queues: ReadonlyMap<QueueName, Queue>;
  /** Stops the relay, lets running jobs finish (drain), then closes the queues. */
  stop(): Promise<void>;
}

const DEFAULT_LEASE_MS = 120_000;

/**
 * The worker role's background work (DESIGN §4): the outbox relay and one BullMQ worker per queue.
 * Redis being down at start is not fatal: the relay keeps retrying and the workers reconnect.
 */
export async function startJobRuntime(deps: JobRuntimeDependencies): Promise<JobRuntime> {
  const connection = redisConnection(deps.redisUrl);
  const prefix = deps.prefix ?? 'frontdesk';
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const queues = openQueues({ connection, prefix });
  for (const queue of queues.values()) logQueueErrors(queue, deps.logger);
  const now = deps.now ?? (() => new Date());
  const handlers = createHandlers(deps, queues, leaseMs, now);

  const workers =
    deps.run?.workers === false
      ? []
      : queueNames.map((name) =>
          startWorker(
            name,
            handlers[name],
            {
              connection,
              prefix,
              concurrency: deps.concurrency,
              lockDurationMs: deps.lockDurationMs,
              backoff: cappedBackoff(deps.retry?.maxBackoffMs),
            },
            deps.metrics,
            deps.logger,
          ),
        );
  const relay =
    deps.run?.relay === false
      ? undefined
      : new OutboxRelay({
          dataSource: deps.dataSource,
          queues,
          logger: deps.logger,
          jobOptions: jobOptions(deps.retry),
          leaseMs,
          pollMs: deps.relayPollMs,
          now,
        });
  relay?.start();
  const wakeup =
    relay && deps.databaseUrl
      ? listenForOutboxInserts({ databaseUrl: deps.databaseUrl, logger: deps.logger, wake: () => relay.wake() })
      : undefined;
  const depth = startQueueDepthSampler({
    queues: queues.values(),
    metrics: deps.metrics,
    logger: deps.logger,
    intervalMs: deps.queueDepthIntervalMs ?? 5000,
  });
  deps.logger.info({ queues: queueNames, prefix, relay: Boolean(relay), workers: workers.length }, 'job runtime started');

  return {
    queues,
    async stop() {
      await wakeup?.stop();
      await relay?.stop();
      await Promise.all(workers.map((worker) => worker.close()));
      await depth.stop();
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}

function createHandlers(
  deps: JobRuntimeDependencies,
  queues: ReadonlyMap<QueueName, Queue>,
  leaseMs: number,
  now: () => Date,
): Record<QueueName, OutboxHandler> {
  const delivery = { dataSource: deps.dataSource, logger: deps.logger, metrics: deps.metrics, leaseMs };
  const texts = { ...delivery, senders: deps.senders, statusCallbackUrl: deps.statusCallbackUrl };
  const notices: BookingNoticeDependencies = {
    dataSource: deps.dataSource,
    businesses: deps.businesses,
    logger: deps.logger,
    mailFrom: deps.mailFrom,
    now,
  };
  const removeStaleReminders = async (jobIds: string[]) => {
    for (const jobId of jobIds) {
      try {
        await queues.get('reminders')!.remove(jobId);
      } catch (error) {
        // The reminder checks the booking when it fires, so a job left behind sends nothing.
        deps.logger.warn({ err: error, jobId }, 'could not remove a stale reminder job; it will find its booking moved');
      }
    }
  };
  return {
    sms: (id, attempt) => deliverText(texts, 'sms', id, attempt),
    whatsapp: (id, attempt) => deliverText(texts, 'whatsapp', id, attempt),
    email: (id, attempt) => deliverMail({ ...delivery, mail: deps.senders.mail }, id, attempt),
    'calendar-sync': (id) =>
      runCalendarSync({ dataSource: deps.dataSource, businesses: deps.businesses, calendar: deps.calendar, logger: deps.logger, leaseMs }, id),
    reminders: async (id) => (await composeReminder(notices, id)).outcome,
    confirmations: async (id) => {
      const result = await composeConfirmation(notices, id);
      await removeStaleReminders(result.staleReminderJobs);
      return result.outcome;
    },
    'call-summary': (id) => composeCallSummary(deps.dataSource, deps.businesses, id),
    'call-follow-up': (id) => composeCallFollowUp(deps.dataSource, deps.businesses, id),
  };
}

/**
 * A listener is required (an unheard 'error' event throws). Logged once: the relay already
 * logs each outage and recovery, so this only says which queue saw it first.
 */
function logQueueErrors(queue: Queue, logger: Logger): void {
  let logged = false;
  queue.on('error', (error) => {
    if (!logged) logger.warn({ queue: queue.name, err: error }, 'queue cannot reach Redis; producers fail fast and the relay retries');
    logged = true;
  });
}
