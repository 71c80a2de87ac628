import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A call answered in media-stream mode carries a random token in its TwiML `<Parameter>`; the
 * media-streams `start` must present it. The signature on the websocket upgrade proves the
 * request came from Twilio; the token proves the stream belongs to a call we answered (and only
 * once: it is cleared when the stream starts).
 */
export class CallStreamToken1764400000000 implements MigrationInterface {
  name = 'CallStreamToken1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE calls ADD COLUMN stream_token text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE calls DROP COLUMN stream_token`);
  }
}
