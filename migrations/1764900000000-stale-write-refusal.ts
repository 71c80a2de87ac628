import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `refuse_stale_write(saved, what)`: lets one statement that saves a row at the version it read
 * (a text turn's conversation) abort itself — every write in it, the webhook ledger's claim
 * included — when the row had moved on, instead of needing a transaction around it (BEGIN, the
 * statement, a check, COMMIT: four round trips where one does). SQL cannot raise an error by
 * itself; this is the smallest function that can. SQLSTATE FD001 is ours, the row's name is the
 * error's detail (`src/storage/concurrent-update.ts` turns both into `ConcurrentUpdate`). VOLATILE so that the
 * planner evaluates it where it is written (per row), never ahead of the rows it guards.
 */
export class StaleWriteRefusal1764900000000 implements MigrationInterface {
  name = 'StaleWriteRefusal1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION refuse_stale_write(saved boolean, what text) RETURNS boolean
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF saved IS NOT TRUE THEN
          RAISE EXCEPTION '% was changed by another request meanwhile', what USING ERRCODE = 'FD001', DETAIL = what;
        END IF;
        RETURN true;
      END
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION refuse_stale_write(boolean, text)`);
  }
}
