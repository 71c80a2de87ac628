import { Queue, type BackoffStrategy, type ConnectionOptions, type JobsOptions } from 'bullmq';

/**
 * The BullMQ queues and how outbox rows map onto them. Two are ours beyond DESIGN's list:
 * `confirmations` turns one booking change into the texts, email and reminder it causes (one
 * transaction), which the sending queues then deliver one row each; `call-follow-up` texts a
 * caller whose call lost its audio path before they were done.
 */
export const queueNames = ['sms', 'whatsapp', 'email', 'calendar-sync', 'reminders', 'call-summary', 'call-follow-up', 'confirmations'] as const;
export type QueueName = (typeof queueNames)[number];

const queueOfKind: Record<string, QueueName> = {
  sms: 'sms',
  whatsapp: 'whatsapp',
  email: 'email',
  'calendar-sync': 'calendar-sync',
  reminder: 'reminders',
  'call-summary': 'call-summary',
  'call-follow-up': 'call-follow-up',
  confirmation: 'confirmations',
};

/** Outbox kinds some worker handles. */
export const relayedKinds: readonly string[] = Object.keys(queueOfKind);

/** The queue for an outbox row's kind; undefined for a kind no worker handles (the row is left alone). */
export function queueForKind(kind: string): QueueName | undefined {
  return queueOfKind[kind];
}

export interface RelayedRow {
  id: string;
  kind: string;
  bookingId: string | null;
  payload: Record<string, unknown>;
}

/**
 * The job id: the outbox id, so adding a row twice is one job. A reminder's is derived from its
 * booking and start instead ("reminder-<booking>-<epoch ms>"), so the job for a booking's time can
 * be found and removed knowing only the booking. BullMQ ids may not contain ':'.
 */
export function jobIdFor(row: RelayedRow): string {
  if (row.kind === 'reminder' && row.bookingId && typeof row.payload.start === 'string') {
    return reminderJobId(row.bookingId, new Date(row.payload.start));
  }
  return row.id;
}

export function reminderJobId(bookingId: string, start: Date): string {
  return `reminder-${bookingId}-${start.getTime()}`;
}

export interface RetryOptions {
  /** Attempts per job, the first included. Default: 20 (with the defaults below, about two hours of trying). */
  attempts?: number;
  /** First backoff delay in ms; each later one doubles up to `maxBackoffMs`, then 50–100% of that at random. Default: 2 000. */
  backoffMs?: number;
  /** Longest pause between attempts, in ms. Default: 600 000 (10 minutes). */
  maxBackoffMs?: number;
}

/** The job backoff type our workers compute with `cappedBackoff` (BullMQ's exponential has no ceiling). */
export const CAPPED_EXPONENTIAL = 'capped-exponential';

export function jobOptions(retry: RetryOptions = {}): JobsOptions {
  return {
    attempts: retry.attempts ?? 20,
    backoff: { type: CAPPED_EXPONENTIAL, delay: retry.backoffMs ?? 2000 },
    // The outbox row is the record; keeping finished jobs would make a later re-enqueue of the
    // same row (after a calendar-sync backoff, or a lost job) a silent no-op.
    removeOnComplete: true,
    removeOnFail: true,
  };
}

/**
 * Exponential backoff with a ceiling and jitter: a vendor down for an hour must not exhaust a
 * confirmation's attempts in minutes, and jobs that failed together must not retry together.
 */
export function cappedBackoff(maxBackoffMs = 600_000): BackoffStrategy {
  return (attemptsMade, _type, _error, job) => {
    const initial = job?.opts.backoff && typeof job.opts.backoff === 'object' ? (job.opts.backoff.delay ?? 2000) : 2000;
    const ceiling = Math.min(maxBackoffMs, initial * 2 ** Math.max(0, attemptsMade - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  };
}

/** BullMQ connection options from REDIS_URL (redis://user:pass@host:port/db, rediss:// for TLS). */
export function redisConnection(url: string): ConnectionOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    db: Number(parsed.pathname.slice(1) || 0),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // Reconnect within 5 s of Redis coming back (BullMQ's own default grows to 20 s).
    retryStrategy: (attempt: number) => Math.min(200 * 2 ** Math.min(attempt, 5), 5000),
  };
}

/**
 * The key prefix for a deployment: `frontdesk` for the default database, `frontdesk-<database>`
 * otherwise, so deployments (or test runs) that share a Redis but not a database never take each
 * other's jobs (a worker would find no such outbox row and drop the job).
 */
export function queuePrefixFor(databaseUrl: string): string {
  const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const safe = database.replace(/[^A-Za-z0-9_-]/g, '_');
  return safe === '' || safe === 'frontdesk' ? 'frontdesk' : `frontdesk-${safe}`;
}

export interface QueueSettings {
  connection: ConnectionOptions;
  /** Key prefix of every queue; tests use a fresh random one. Default: `frontdesk`. */
  prefix: string;
}

/** Producer queues fail fast while Redis is unreachable (DESIGN §5): the outbox keeps the work. */
export function openQueues(settings: QueueSettings): Map<QueueName, Queue> {
  const queues = new Map<QueueName, Queue>();
  for (const name of queueNames) {
    queues.set(
      name,
      new Queue(name, {
        connection: { ...settings.connection, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
        prefix: settings.prefix,
      }),
    );
  }
  return queues;
}
