import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/storage/data-source.js';
import { dropDatabase, ensureDatabase } from '../../src/storage/ensure-database.js';
import { applyMigrations } from '../../src/storage/migrate.js';

/** The server tests use; CI and every machine run one here (see README). */
export const TEST_POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/** A fresh, uniquely named database; `migrated: false` leaves it empty. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const url = `${TEST_POSTGRES}/frontdesk_test_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(url);
  const dataSource = createDataSource({ url, poolSize: 20 });
  await dataSource.initialize();
  if (options.migrated ?? true) await applyMigrations(dataSource);
  return {
    url,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropDatabase(url);
    },
  };
}
