import type { DataSource } from 'typeorm';

/** Arbitrary but fixed: every Frontdesk process that migrates takes this advisory lock. */
const MIGRATION_LOCK_KEY = 0x66_64_65_73; // "fdes"

/**
 * Applies pending migrations, each in its own transaction. Web and worker processes may start
 * together; the advisory lock makes the second wait and then find nothing to do.
 * Returns the names of the migrations applied.
 */
export async function applyMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

/** Reverts the most recent migration (used by `migrate down` and by tests). */
export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  await dataSource.undoLastMigration({ transaction: 'each' });
}
