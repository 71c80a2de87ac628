import pg from 'pg';
import type { Logger } from '../observability/logger.js';

/**
 * Listens on the `outbox` channel (NOTIFY after every committed insert, migration
 * 1764300000000) and calls `wake`. It only shortens the wait: the relay polls anyway, so a lost
 * connection costs latency, never work. Reconnects with a growing pause, logging once per outage.
 */
export function listenForOutboxInserts(options: {
  databaseUrl: string;
  logger: Logger;
  wake: () => void;
}): { stop(): Promise<void> } {
  let client: pg.Client | undefined;
  let stopped = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;

  const close = (which: pg.Client) =>
    which.end().catch((error: unknown) => options.logger.debug({ err: error }, 'closing the outbox listener failed'));

  const attempt = async () => {
    const next = new pg.Client({ connectionString: options.databaseUrl });
    let broken = false;
    const lose = (error: unknown) => {
      if (broken) return;
      broken = true;
      if (client === next) client = undefined;
      void close(next);
      if (stopped) return;
      if (failures === 0) options.logger.warn({ err: error }, 'outbox notifications lost; the relay polls until they return');
      failures += 1;
      retry = setTimeout(() => void attempt(), Math.min(500 * 2 ** Math.min(failures, 4), 8000));
    };
    next.on('notification', () => options.wake());
    next.on('error', lose);
    try {
      await next.connect();
      await next.query('LISTEN outbox');
    } catch (error) {
      lose(error);
      return;
    }
    if (stopped) {
      await close(next);
      return;
    }
    client = next;
    if (failures > 0) options.logger.info('outbox notifications resumed');
    failures = 0;
    // Rows committed while nobody listened are picked up by this pass.
    options.wake();
  };

  void attempt();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const current = client;
      client = undefined;
      if (current) await close(current);
    },
  };
}
