import assert from 'node:assert/strict';
import { IdempotencyLedger, type LedgerKey, type OneStatementWork } from '../../src/resilience/idempotency-ledger.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * `onceInOneStatement` straight against Postgres, without the webhook wrapper (whose in-process
 * sharing would hide what the database does): duplicates on separate connections, as when
 * Twilio's retry reaches another web process.
 */
describe('idempotency ledger, work in one statement', () => {
  let db: TestDatabase;
  let ledger: IdempotencyLedger;
  let events = 0;

  before(async () => {
    db = await createTestDatabase();
    ledger = new IdempotencyLedger(db.dataSource);
    await db.dataSource.query(`CREATE TABLE ledger_test_work (event_id text NOT NULL, note text NOT NULL)`);
  });
  after(async () => db.drop());

  function key(eventId: string, params: Record<string, unknown> = { n: '1' }): LedgerKey {
    return { provider: 'test', eventId, route: '/test', params };
  }

  /** Records one work row per execution; with `failing`, the statement fails (a division by zero). */
  function work(eventId: string, body: string, failing = false): OneStatementWork {
    const note = failing ? '(1 / 0)::text' : `'done'`;
    return {
      response: { status: 200, contentType: 'text/plain', body },
      steps: (claimed, value) => [`work AS (INSERT INTO ledger_test_work (event_id, note) SELECT ${value(eventId)}, ${note} FROM ${claimed})`],
    };
  }

  async function workRows(eventId: string): Promise<number> {
    const [row] = await db.dataSource.query(`SELECT count(*)::int AS n FROM ledger_test_work WHERE event_id = $1`, [eventId]);
    return row.n;
  }

  it('does the work and stores the answer once; a replay gets the stored bytes and does nothing', async () => {
    const eventId = `e${(events += 1)}`;
    const first = await ledger.onceInOneStatement(key(eventId), work(eventId, 'first'));
    assert.deepEqual(first, { response: { status: 200, contentType: 'text/plain', body: 'first' }, replayed: false, sameRequest: true });
    const again = await ledger.onceInOneStatement(key(eventId, { n: '2' }), work(eventId, 'second'));
    assert.equal(again.response.body, 'first');
    assert.equal(again.replayed, true);
    assert.equal(again.sameRequest, false, 'the replay carried different parameters');
    assert.equal(await workRows(eventId), 1);
    assert.deepEqual(await ledger.find(key(eventId)), { status: 200, contentType: 'text/plain', body: 'first' });
  });

  it('turns 20 concurrent duplicates on separate connections into one execution and 20 identical answers', async () => {
    const eventId = `e${(events += 1)}`;
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.onceInOneStatement(key(eventId), work(eventId, `answer ${i}`))));
    assert.equal(outcomes.filter((outcome) => !outcome.replayed).length, 1);
    assert.equal(new Set(outcomes.map((outcome) => outcome.response.body)).size, 1);
    assert.equal(await workRows(eventId), 1);
  });

  it('rolls the claim and the work back when the check refuses what the work did, and runs after-commit work only for a kept first delivery', async () => {
    const eventId = `e${(events += 1)}`;
    let committed = 0;
    const checked = (expected: number): OneStatementWork => ({
      ...work(eventId, `expects ${expected}`),
      check: {
        select: '(SELECT count(*) FROM claimed)',
        verify(selected) {
          if (Number(selected) !== expected) throw new Error(`check refused ${String(selected)}`);
        },
      },
      afterCommit: () => (committed += 1),
    });
    await assert.rejects(ledger.onceInOneStatement(key(eventId), checked(2)), /check refused 1/);
    assert.equal(await ledger.find(key(eventId)), undefined);
    assert.equal(await workRows(eventId), 0);
    assert.equal(committed, 0);
    assert.equal((await ledger.onceInOneStatement(key(eventId), checked(1))).replayed, false);
    assert.equal((await ledger.onceInOneStatement(key(eventId), checked(1))).replayed, true);
    assert.equal(await workRows(eventId), 1);
    assert.equal(committed, 1);
  });

  it('keeps nothing when the work fails, so the next delivery runs it', async () => {
    const eventId = `e${(events += 1)}`;
    await assert.rejects(ledger.onceInOneStatement(key(eventId), work(eventId, 'lost', true)));
    assert.equal(await ledger.find(key(eventId)), undefined);
    const retried = await ledger.onceInOneStatement(key(eventId), work(eventId, 'retried'));
    assert.equal(retried.replayed, false);
    assert.equal(await workRows(eventId), 1);
  });
});
