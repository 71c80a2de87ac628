import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the outbox relay needs from the schema:
 * - an index for its second look, at rows `queued` or `sending` untouched past their lease (a
 *   lost job, a worker that died mid-send); due `pending` rows already have `outbox_pending`;
 * - a NOTIFY on channel `outbox` after each insert, delivered when the transaction commits, so
 *   the relay moves new work at once instead of at its next poll (the poll stays as the safety
 *   net: notifications are lost while the relay's listening connection is down).
 */
export class OutboxRelay1764300000000 implements MigrationInterface {
  name = 'OutboxRelay1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX outbox_in_flight ON outbox (updated_at) WHERE status IN ('queued', 'sending')`);
    await db.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox', '');
        RETURN NULL;
      END
      $$`);
    // Per statement, and Postgres folds identical notifications of one transaction into one.
    await db.query(`CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER outbox_notify ON outbox`);
    await db.query(`DROP FUNCTION outbox_notify()`);
    await db.query(`DROP INDEX outbox_in_flight`);
  }
}
