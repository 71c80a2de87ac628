import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeOutbox } from '../../src/storage/outbox.js';
import { testBusiness } from '../support/business-fixture.js';
import { nextPhone } from '../support/scheduling.js';
import { eventually, jobHarness, type JobHarness } from './job-harness.js';

const business = testBusiness();
const KILLS = 12;
const TEXTS_PER_ROUND = 3;

describe('crashes (child processes killed with SIGKILL)', function () {
  this.timeout(120_000);
  let j: JobHarness;
  beforeEach(async () => {
    j = await jobHarness(business, new Date());
  });
  afterEach(() => j.close());

  function startChild(): ChildProcess {
    const config = {
      databaseUrl: j.h.db.url,
      prefix: j.prefix,
      twilio: { url: j.twilio.url, accountSid: j.twilio.accountSid, authToken: j.twilio.authToken },
      smtpUrl: j.smtp.url,
    };
    // The node binary itself (not the tsx wrapper, which would forward the kill to a grandchild).
    return spawn(process.execPath, ['--import', 'tsx', 'test/jobs/crash-child.ts', JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
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
        await writeOutbox(manager, { businessId: business.id, kind: 'sms', dedupeKey: `crash:${phone}`, payload: { to: phone, from: '+12125550100', body: `For ${phone}` } });
      }
    });
    return phones;
  }

  it(`every text is sent exactly once across ${KILLS} kills of relay and workers mid-work`, async () => {
    // Slow answers keep sends in flight, so kills land mid-send as well as mid-relay.
    j.twilio.latencyMs = 40;
    const phones: string[] = [];
    for (let round = 0; round < KILLS; round += 1) {
      const child = startChild();
      await ready(child);
      phones.push(...(await queueTexts(TEXTS_PER_ROUND)));
      // Kill at a different moment each round: as the relay picks the rows up, or while sends wait on Twilio.
      await new Promise((resolve) => setTimeout(resolve, 15 * (round % 6)));
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    const survivor = startChild();
    try {
      await ready(survivor);
      await eventually(async () => {
        const [row] = await j.h.db.dataSource.query(`SELECT count(*)::int AS n FROM outbox WHERE status <> 'sent'`);
        return row.n === 0;
      });
    } finally {
      survivor.kill('SIGKILL');
      await once(survivor, 'exit');
    }
    const perPhone = new Map<string, number>();
    for (const message of j.twilio.messages) perPhone.set(message.to, (perPhone.get(message.to) ?? 0) + 1);
    const expected = phones.length;
    const made = j.twilio.messages.length;
    assert.deepEqual([...perPhone.keys()].sort(), [...phones].sort());
    assert.equal(made, expected, `sends expected ${expected}, made ${made}`);
    const [{ n }] = await j.h.db.dataSource.query(`SELECT count(DISTINCT provider_id)::int AS n FROM outbox WHERE kind = 'sms'`);
    assert.equal(n, expected);
    const [stats] = await j.h.db.dataSource.query(
      `SELECT count(*) FILTER (WHERE attempts > 1)::int AS retried, max(attempts)::int AS most FROM outbox WHERE kind = 'sms'`,
    );
    if (process.env.CRASH_STATS) console.log({ expected, made, gets: j.twilio.requests.filter((r) => r.method === 'GET').length, ...stats });
  });
});
