import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox relay also looks for rows `queued` or `sending` untouched past their lease (a lost
 * job, a worker that died mid-send); this keeps that look cheap as sent rows pile up. Due
 * `pending` rows already have `outbox_pending`.
 */
export class OutboxRelay1764300000000 implements MigrationInterface {
  name = 'OutboxRelay1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX outbox_in_flight ON outbox (updated_at) WHERE status IN ('queued', 'sending')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX outbox_in_flight`);
  }
}
