import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a call's media stream ended without our ending it (the socket dropped, or our speech path
 * failed) and the call went on in `<Gather>` mode. A call that then ends unfinished is offered a
 * follow-up text (DESIGN §5), and the admin can tell such calls apart.
 */
export class CallStreamFallback1764550000000 implements MigrationInterface {
  name = 'CallStreamFallback1764550000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE calls ADD COLUMN stream_fell_back_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE calls DROP COLUMN stream_fell_back_at`);
  }
}
