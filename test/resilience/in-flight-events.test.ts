import assert from 'node:assert/strict';
import { InFlightEvents } from '../../src/resilience/in-flight-events.js';

describe('InFlightEvents', () => {
  it('runs concurrent duplicates of one key once and hands them the first run\'s result', async () => {
    const events = new InFlightEvents<number>();
    let runs = 0;
    let finish!: (value: number) => void;
    const work = () => {
      runs += 1;
      return new Promise<number>((resolve) => (finish = resolve));
    };
    const first = events.run('sms:SM1', work);
    const duplicate = events.run('sms:SM1', work);
    const other = events.run('sms:SM2', async () => 7);
    finish(42);
    assert.deepEqual(await first, { value: 42, shared: false });
    assert.deepEqual(await duplicate, { value: 42, shared: true });
    assert.deepEqual(await other, { value: 7, shared: false });
    assert.equal(runs, 1);
  });

  it('forgets a key once its run ends, so a later delivery runs again (the ledger answers it)', async () => {
    const events = new InFlightEvents<string>();
    await assert.rejects(events.run('k', async () => Promise.reject(new Error('db down'))), /db down/);
    assert.deepEqual(await events.run('k', async () => 'ok'), { value: 'ok', shared: false });
  });

  it('gives a waiting duplicate the first run\'s failure', async () => {
    const events = new InFlightEvents<string>();
    let fail!: (error: Error) => void;
    const first = events.run('k', () => new Promise<string>((_resolve, reject) => (fail = reject)));
    const duplicate = events.run('k', async () => 'never');
    fail(new Error('db down'));
    await assert.rejects(first, /db down/);
    await assert.rejects(duplicate, /db down/);
  });
});
