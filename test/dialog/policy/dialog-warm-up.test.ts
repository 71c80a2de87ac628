import assert from 'node:assert/strict';
import pino from 'pino';
import { warmUpDialog } from '../../../src/dialog/policy/dialog-warm-up.js';
import { createScheduler } from '../../../src/scheduling/scheduler.js';
import { exampleBusinesses } from '../../support/businesses.js';
import { schedulingHarness, type SchedulingHarness } from '../../support/scheduling.js';

const { salon } = exampleBusinesses();
const now = new Date('2026-12-07T14:00:00Z'); // Monday 09:00 in New York

describe('dialog warm-up', () => {
  let h: SchedulingHarness;
  beforeEach(async () => {
    h = await schedulingHarness(salon, { now });
  });
  afterEach(async () => h.drop());

  it('runs a booking request through a turn without booking, storing or messaging anything', async () => {
    const tables = ['bookings', 'customers', 'outbox', 'team_messages'];
    const counts = async () =>
      Promise.all(
        tables.map(async (table) => {
          const exists = await h.db.dataSource.query(`SELECT to_regclass($1) AS t`, [table]);
          return exists[0].t ? (await h.db.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n : 0;
        }),
      );
    const before = await counts();
    let searches = 0;
    const scheduler = createScheduler(h.context);
    const counting = { ...scheduler, offerSlots: (...args: Parameters<typeof scheduler.offerSlots>) => ((searches += 1), scheduler.offerSlots(...args)) };
    const logged: string[] = [];
    await warmUpDialog({ business: salon, scheduler: counting }, now, pino({ level: 'debug' }, { write: (line: string) => logged.push(line) }));
    assert.ok(searches >= 1, 'it searched the calendar as a caller would');
    assert.deepEqual(await counts(), before);
    assert.deepEqual(logged, [], 'its turns ran to where they stop, without a failure');
  });

  it('does not throw when the calendar cannot be read', async () => {
    const scheduler = createScheduler(h.context);
    await h.db.dataSource.destroy();
    await warmUpDialog({ business: salon, scheduler }, now, pino({ level: 'silent' }));
  });
});
