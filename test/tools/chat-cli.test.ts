import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);

/** `npm run chat` end to end: its own app in-process, the real signed webhook, a pinned clock. */
describe('npm run chat', () => {
  let db: TestDatabase;
  let dataDir: string;
  before(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'frontdesk-chat-'));
  });
  after(async () => {
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function chat(...args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/tools/chat.ts', ...args], {
      env: { ...process.env, DATABASE_URL: db.url, DATA_DIR: dataDir, OPENAI_API_KEY: '', TWILIO_AUTH_TOKEN: '', LOG_LEVEL: 'error' },
    });
    return stdout;
  }

  it('books a haircut in three messages and ends with the booking and its queued confirmation', async () => {
    const out = await chat('--business', 'salon', '--from', '+15551230001', '--now', '2026-12-01T10:00',
      "hi I'd like a haircut tomorrow afternoon", 'the first one', 'yes');
    assert.match(out, /^> hi I'd like a haircut tomorrow afternoon\n< I can do:\n {2}1\) tomorrow at noon/m);
    assert.match(out, /< You're booked for tomorrow at noon\./);
    assert.match(out.trim().split('\n').at(-1)!, /^booking [0-9a-f-]{36}: .* with .*, Wed 2 Dec 2026 12:00 America\/New_York, confirmed; confirmation (pending|queued|sending|sent)$/);
    const [row] = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox o JOIN bookings b ON b.id = o.booking_id WHERE o.kind = 'confirmation'`,
    );
    assert.equal(row.n, 1);
  });

  it('says what is wrong with its arguments', async () => {
    await assert.rejects(chat('--business', 'nowhere', '--from', '+15551230001', 'hi'), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr, /--business: no business "nowhere" in config\/businesses \(known: [a-z, -]+\)/);
      return true;
    });
  });
});
