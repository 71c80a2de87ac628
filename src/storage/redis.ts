import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * A Redis connection that never queues commands while disconnected: producers fail fast and
 * the caller decides (the outbox in Postgres keeps the work). Connection errors are logged once
 * per change of state, not once per reconnect attempt.
 */
export function createRedis(url: string, logger: Logger, options: { name?: string } = {}): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // A Redis that accepts commands and never answers must not hold a webhook: this client only
    // does quick single commands (health, rate limits), whose callers fall back on an error.
    // BullMQ's blocking commands use connections of their own.
    commandTimeout: 500,
    lazyConnect: false,
    connectionName: options.name ?? 'frontdesk',
    retryStrategy: (attempt) => Math.min(200 * 2 ** Math.min(attempt, 5), 5000),
  });
  let reachable: boolean | undefined;
  redis.on('ready', () => {
    if (reachable !== true) logger.info({ redis: redactCredentials(url) }, 'redis connected');
    reachable = true;
  });
  redis.on('error', (error) => {
    if (reachable !== false) logger.warn({ redis: redactCredentials(url), err: error }, 'redis unreachable; retrying');
    reachable = false;
  });
  return redis;
}

/** The URL with any password replaced, for logs. */
export function redactCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

/**
 * PING for health checks. With the offline queue off, a command sent while the first connection
 * is still being made fails at once; wait for that attempt instead, but fail fast when Redis is
 * known to be unreachable (reconnecting).
 */
export async function pingRedis(redis: Redis): Promise<string> {
  if (redis.status === 'connecting' || redis.status === 'connect' || redis.status === 'wait') {
    await new Promise<void>((resolve, reject) => {
      const ready = () => {
        redis.off('error', failed);
        resolve();
      };
      const failed = (error: Error) => {
        redis.off('ready', ready);
        reject(error);
      };
      redis.once('ready', ready);
      redis.once('error', failed);
    });
  }
  return redis.ping();
}
