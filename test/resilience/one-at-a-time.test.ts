import assert from 'node:assert/strict';
import { OneAtATime } from '../../src/resilience/one-at-a-time.js';

describe('OneAtATime', () => {
  it('runs work for one key in arrival order, never overlapping, and other keys alongside', async () => {
    const queue = new OneAtATime();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([queue.run('a', step('a1', 20)), queue.run('a', step('a2', 1)), queue.run('b', step('b1', 5))]);
    assert.deepEqual(results, ['a1', 'a2', 'b1']);
    assert.deepEqual(log, ['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2']);
  });

  it('goes on after a failure, which only its own caller sees', async () => {
    const queue = new OneAtATime();
    const failed = queue.run('a', async () => {
      throw new Error('first failed');
    });
    const next = queue.run('a', async () => 'second ran');
    await assert.rejects(failed, /first failed/);
    assert.equal(await next, 'second ran');
  });
});
