import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Conversations remember where they are between turns. A call in `<Gather>` mode keeps its
 * dialog state on the call row; both rows get a version so two turns racing on one conversation
 * (a retried webhook, two texts sent together) cannot both write: the later one is refused and
 * re-read (optimistic concurrency, as the dialog talks to scheduling outside the webhook's
 * transaction).
 */
export class DialogState1764200000000 implements MigrationInterface {
  name = 'DialogState1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE calls ADD COLUMN dialog_state jsonb NOT NULL DEFAULT '{}'`);
    await db.query(`ALTER TABLE conversations ADD COLUMN version integer NOT NULL DEFAULT 0`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE conversations DROP COLUMN version`);
    await db.query(`ALTER TABLE calls DROP COLUMN dialog_state`);
  }
}
