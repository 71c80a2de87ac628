import { DataSource } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { entities } from './entities/index.js';

export interface DataSourceOptions {
  /** postgres://user@host:port/database */
  url: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** How long to wait for a connection before failing the query (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Postgres cancels a statement running longer than this (default 7000 ms). */
  statementTimeoutMs?: number;
  /**
   * We stop waiting for an answer after this (default 8000 ms), for when Postgres itself stops
   * answering (a hung host or network) and cannot cancel anything. It is a little longer than the
   * statement timeout so that a merely slow statement is cancelled cleanly by the server first.
   */
  queryTimeoutMs?: number;
}

/** The one Postgres connection pool. The schema comes only from `migrations/`. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      // pg closes a connection idle for 10 s by default, and the next query then pays for a new
      // one (~4 ms, more with TLS) inside a caller's turn. Calls are minutes apart at quiet times.
      idleTimeoutMillis: 5 * 60_000,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      // A caller or Twilio (which gives up on a webhook after 15 s) is waiting on every query we
      // run; a stuck statement or a silent server must fail in time to answer, not hang.
      statement_timeout: options.statementTimeoutMs ?? 7000,
      query_timeout: options.queryTimeoutMs ?? 8000,
      application_name: 'frontdesk',
    },
  });
}
