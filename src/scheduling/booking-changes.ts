import pg from 'pg';
import type { Logger } from 'pino';

/** What a listener to booking changes is told. */
export interface BookingChangeHandlers {
  /** A booking of `businessId` changed (committed); `undefined`: any business's may have. */
  changed(businessId: string | undefined): void;
  /** Listening (again): changes committed from now on will be reported. */
  listening(): void;
  /** Not listening: changes may go unreported until `listening` is called again. */
  lost(): void;
}

export interface BookingChangeFeed {
  stop(): Promise<void>;
}

/**
 * Listens on the `bookings` channel (NOTIFY after every committed change to a booking's time,
 * staff member or status, migration 1764600000000), on a connection of its own. Reconnects with
 * a growing pause, logging once per outage; `lost` and `listening` bracket every gap, so a cache
 * kept fresh by these reports can refuse to answer while it might be stale.
 *
 * It never keeps the process alive (its socket and timers are unref'd), and it stops by itself
 * once `active()` says its owner is gone (the app's DataSource destroyed), so a scheduler needs no
 * shutdown call of its own.
 */
export function listenForBookingChanges(options: {
  databaseUrl: string;
  logger: Logger;
  handlers: BookingChangeHandlers;
  /** Checked every `checkEveryMs` (default 1000) and after a failure; false stops the feed. */
  active: () => boolean;
  checkEveryMs?: number;
}): BookingChangeFeed {
  const { handlers, logger } = options;
  let client: pg.Client | undefined;
  let stopped = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;

  const close = (which: pg.Client) => which.end().catch((error: unknown) => logger.debug({ err: error }, 'closing the booking-change listener failed'));

  const stop = async () => {
    stopped = true;
    clearTimeout(retry);
    clearInterval(check);
    const current = client;
    client = undefined;
    handlers.lost();
    if (current) await close(current);
  };

  const attempt = async () => {
    if (stopped) return;
    if (!options.active()) return void stop();
    const next = new pg.Client({ connectionString: options.databaseUrl, application_name: 'frontdesk-booking-changes' });
    let broken = false;
    const lose = (error: unknown) => {
      if (broken) return;
      broken = true;
      if (client === next) {
        client = undefined;
        handlers.lost();
      }
      void close(next);
      if (stopped) return;
      if (!options.active()) return void stop();
      if (failures === 0) logger.warn({ err: error }, 'booking change notifications lost; availability is read from Postgres until they return');
      failures += 1;
      retry = setTimeout(() => void attempt(), Math.min(500 * 2 ** Math.min(failures, 4), 8000));
      retry.unref();
    };
    next.on('notification', (message) => handlers.changed(message.payload || undefined));
    next.on('error', lose);
    next.on('end', () => lose(new Error('the booking-change listener connection ended')));
    try {
      await next.connect();
      unref(next);
      await next.query('LISTEN bookings');
    } catch (error) {
      lose(error);
      return;
    }
    if (stopped || broken) {
      if (!broken) await close(next);
      return;
    }
    client = next;
    if (failures > 0) logger.info('booking change notifications resumed');
    failures = 0;
    handlers.listening();
  };

  const check = setInterval(() => {
    if (!stopped && !options.active()) void stop();
  }, options.checkEveryMs ?? 1000);
  check.unref();
  void attempt();
  return { stop };
}

/** The connection's socket must not hold the process open: the feed is an optimisation. */
function unref(client: pg.Client): void {
  (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
}
