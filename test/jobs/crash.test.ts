import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeOutbox } from '../../src/storage/outbox.js';
import { testBusiness } from '../support/business-fixture.js';
import { nextPhone } from '../support/scheduling.js';
import { eventually, jobHarness, type JobHarness } from './job-harness.js';

const business = testBusiness();
/** Kills per scenario; the acceptance run uses 20 (CRASH_ROUNDS=20). */
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 10);

describe('crashes (child processes killed with SIGKILL)', function () {
  this.timeout(180_000);
  let j: JobHarness;
  const children = new Set<ChildProcess>();
  beforeEach(async () => {
    j = await jobHarness(business, new Date());
  });
  afterEach(async () => {
    for (const child of children) await kill(child);
    await j.close();
  });

  function startChild(run: { relay: boolean; workers: boolean }): ChildProcess {
    const config = {
      databaseUrl: j.h.db.url,
      prefix: j.prefix,
      twilio: { url: j.twilio.url, accountSid: j.twilio.accountSid, authToken: j.twilio.authToken },
      smtpUrl: j.smtp.url,
      run,
    };
    // The node binary itself (not the tsx wrapper, which would leave its own child running).
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/jobs/crash-child.ts', JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.add(child);
    return child;
  }

  async function kill(child: ChildProcess): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    children.delete(child);
  }

  async function ready(child: ChildProcess): Promise<void> {
    let seen = '';
    for await (const chunk of child.stdout!) {
      seen += String(chunk);
      if (seen.includes('ready')) return;
    }
    throw new Error('child exited before it was ready');
  }

  async function queueTexts(count: number): Promise<string[]> {
    const phones = Array.from({ length: count }, () => nextPhone());
    await j.h.db.dataSource.transaction(async (manager) => {
      for (const phone of phones) {
        await writeOutbox(manager, {
          businessId: business.id,
          kind: 'sms',
          dedupeKey: `crash:${phone}`,
          payload: { to: phone, from: '+12125550100', body: `For ${phone}` },
        });
      }
    });
    return phones;
  }

  /** Runs a full runtime until every row is sent, then checks each number got exactly one text. */
  async function assertEachSentOnce(phones: string[]): Promise<void> {
    const survivor = startChild({ relay: true, workers: true });
    await ready(survivor);
    await eventually(async () => {
      const [row] = await j.h.db.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE status <> 'sent'`);
      return row.n === 0;
    });
    await kill(survivor);
    const made = j.twilio.messages.length;
    assert.deepEqual(j.twilio.messages.map((message) => message.to).sort(), [...phones].sort(), `sends expected ${phones.length}, made ${made}`);
    const [{ n }] = await j.h.db.dataSource.query(`SELECT count(DISTINCT provider_id)::int AS n FROM outbox WHERE kind = 'sms'`);
    assert.equal(n, phones.length);
  }

  it(`the relay killed ${ROUNDS} times between the rows' commit and their enqueue loses and doubles nothing`, async () => {
    const phones: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const relay = startChild({ relay: true, workers: false });
      await ready(relay);
      phones.push(...(await queueTexts(3)));
      // A different moment each round: before, during and after the relay's pass over the new rows.
      await new Promise((resolve) => setTimeout(resolve, 5 * (round % 8)));
      await kill(relay);
    }
    await assertEachSentOnce(phones);
  });

  it(`a worker killed ${ROUNDS} times mid-send sends each text once: the next attempt asks Twilio first`, async () => {
    // The relay runs here; only the workers die. Slow answers keep each send in flight when killed.
    await j.start({ run: { relay: true, workers: false } });
    j.twilio.latencyMs = 50;
    const phones: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const worker = startChild({ relay: false, workers: true });
      await ready(worker);
      const posts = j.twilio.requests.filter((request) => request.method === 'POST').length;
      phones.push(...(await queueTexts(1)));
      await eventually(async () => j.twilio.requests.filter((request) => request.method === 'POST').length > posts);
      await kill(worker);
    }
    await assertEachSentOnce(phones);
    const [{ checked }] = await j.h.db.dataSource.query(
      `SELECT count(*) FILTER (WHERE attempts > 1)::int AS checked FROM outbox WHERE kind = 'sms'`,
    );
    assert.ok(checked >= ROUNDS, `every killed send was taken over and checked (${checked} of ${ROUNDS})`);
  });
});
