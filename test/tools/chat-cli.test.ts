import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFakeTwilioRest } from '../fakes/twilio-rest.js';
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
    return chatWith({}, ...args);
  }

  async function chatWith(env: Record<string, string>, ...args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/tools/chat.ts', ...args], {
      env: { ...process.env, DATABASE_URL: db.url, DATA_DIR: dataDir, OPENAI_API_KEY: '', TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '', LOG_LEVEL: 'error', ...env },
    });
    return stdout;
  }

  it('books a haircut in three messages and ends with the booking and its queued confirmation', async () => {
    const out = await chat('--business', 'salon', '--from', '+15551230001', '--now', '2026-12-01T10:00',
      "hi I'd like a haircut tomorrow afternoon", 'the first one', 'yes');
    assert.match(out, /^> hi I'd like a haircut tomorrow afternoon\n< I can do:\n {2}1\) tomorrow at noon/m);
    assert.match(out, /< You're booked for tomorrow at noon\./);
    const [booking, confirmation] = out.trim().split('\n').slice(-2);
    assert.match(booking!, /^booking [0-9a-f-]{36}: .* with .*, Wed 2 Dec 2026 12:00 America\/New_York, confirmed$/);
    // No Twilio account here: the worker composes the text and records it as not sent.
    assert.equal(confirmation, 'confirmation sms to +15551230001: cancelled: not sent: no Twilio account configured');
    const [row] = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox o JOIN bookings b ON b.id = o.booking_id WHERE o.kind = 'confirmation'`,
    );
    assert.equal(row.n, 1);
  });

  it('with a Twilio account, the confirmation text reaches Twilio (the REST fake)', async () => {
    const twilio = await startFakeTwilioRest();
    try {
      const out = await chatWith(
        { TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken, TWILIO_API_URL: twilio.url },
        '--business', 'salon', '--from', '+15551230002', '--now', '2026-12-01T10:00', 'a haircut on friday at 3 pm', 'yes',
      );
      assert.match(out.trim().split('\n').at(-1)!, /^confirmation sms to \+15551230002: sent \(SM[0-9a-f]{32}\)$/);
      const [message] = twilio.messages;
      assert.equal(message?.to, '+15551230002');
      assert.match(message?.body ?? '', /Friday/);
    } finally {
      await twilio.close();
    }
  });

  it('says what is wrong with its arguments', async () => {
    await assert.rejects(chat('--business', 'nowhere', '--from', '+15551230001', 'hi'), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr, /--business: no business "nowhere" in config\/businesses \(known: [a-z, -]+\)/);
      return true;
    });
  });
});
