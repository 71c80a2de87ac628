import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createVendorPolicy } from '../../src/resilience/vendor-policy.js';

/**
 * Callers such as the voice answer ask `state()` and skip the vendor while it says `open`. If it
 * said `open` until someone tried, nobody would ever try again: the breaker must report the trial
 * being due on its own.
 */
describe('VendorPolicy.state()', () => {
  it('reports half-open once the open wait is over, before any call tries, and closes on the trial', async () => {
    const policy = createVendorPolicy({
      dependency: 'deepgram',
      metrics: createMetrics(),
      logger: createLogger({ level: 'silent' }),
      timeoutMs: 1000,
      retries: 0,
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 100 },
    });
    for (let i = 0; i < 2; i += 1) await assert.rejects(policy.execute(async () => Promise.reject(new Error('down'))));
    assert.equal(policy.state(), 'open');
    await sleep(50);
    assert.equal(policy.state(), 'open', 'still waiting');
    await sleep(70);
    assert.equal(policy.state(), 'half-open', 'the trial is due though nothing has tried yet');
    assert.equal(await policy.execute(async () => 'back'), 'back');
    assert.equal(policy.state(), 'closed');
  });

  it('starts the wait again when the trial fails', async () => {
    const policy = createVendorPolicy({
      dependency: 'openai',
      metrics: createMetrics(),
      logger: createLogger({ level: 'silent' }),
      timeoutMs: 1000,
      retries: 0,
      breaker: { consecutiveFailures: 1, halfOpenAfterMs: 100 },
    });
    await assert.rejects(policy.execute(async () => Promise.reject(new Error('down'))));
    await sleep(120);
    assert.equal(policy.state(), 'half-open');
    await assert.rejects(policy.execute(async () => Promise.reject(new Error('still down'))));
    assert.equal(policy.state(), 'open');
  });
});
