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
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      // A caller is waiting on every query we run; a stuck statement must fail, not hang.
      statement_timeout: 15_000,
      application_name: 'frontdesk',
    },
  });
}
