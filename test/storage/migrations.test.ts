import assert from 'node:assert/strict';
import { revertLastMigration, applyMigrations } from '../../src/storage/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const TABLES = [
  'businesses',
  'business_phone_numbers',
  'services',
  'staff',
  'customers',
  'calls',
  'call_turns',
  'conversations',
  'messages',
  'bookings',
  'webhook_events',
  'outbox',
];

async function tablesIn(db: TestDatabase): Promise<string[]> {
  const rows: { table_name: string }[] = await db.dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
  );
  return rows.map((row) => row.table_name).sort();
}

describe('migrations', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase({ migrated: false });
  });
  after(async () => db.drop());

  it('go up on an empty database, down again, and up again', async () => {
    assert.deepEqual(await tablesIn(db), []);

    const applied = await applyMigrations(db.dataSource);
    assert.ok(applied.length >= 1, 'expected at least one migration to run');
    assert.deepEqual(await tablesIn(db), [...TABLES].sort());

    for (let i = 0; i < applied.length; i += 1) await revertLastMigration(db.dataSource);
    assert.deepEqual(await tablesIn(db), []);

    await applyMigrations(db.dataSource);
    assert.deepEqual(await tablesIn(db), [...TABLES].sort());
  });

  it('are a no-op when already applied, even when two processes race', async () => {
    const results = await Promise.all([applyMigrations(db.dataSource), applyMigrations(db.dataSource)]);
    assert.deepEqual(results, [[], []]);
  });

  it('install btree_gist for the bookings exclusion constraint', async () => {
    const rows = await db.dataSource.query(`SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'`);
    assert.equal(rows.length, 1);
  });
});
