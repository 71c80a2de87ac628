import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startEventLoopLagSampler } from '../../src/observability/event-loop-lag.js';
import { createMetrics } from '../../src/observability/metrics.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function blockFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // Busy-wait on purpose: this is the event loop stall the sampler must see.
  }
}

describe('startEventLoopLagSampler', () => {
  it('sets the window’s p99 delay in seconds, and reports a stall', async () => {
    const values: number[] = [];
    const sampler = startEventLoopLagSampler({ set: (value) => values.push(value) }, 50);
    try {
      await sleep(120);
      setTimeout(() => blockFor(120), 10);
      await sleep(300);
      // On a busy machine the window holding the stall may close later than planned: wait for it, up to a second.
      for (let waited = 0; waited < 1000 && Math.max(0, ...values) < 0.08; waited += 50) await sleep(50);
    } finally {
      sampler.stop();
    }
    assert.ok(values.length >= 3, `expected several windows, got ${values.length}`);
    assert.ok(values.every((value) => value >= 0 && value < 5), `implausible values ${values.join(', ')}`);
    const worst = Math.max(...values);
    assert.ok(worst >= 0.08 && worst < 1, `expected the 120 ms stall near 0.1 s, got ${worst}`);
  });

  it('feeds the real gauge of createMetrics', async () => {
    const metrics = createMetrics();
    const sampler = startEventLoopLagSampler(metrics.eventLoopLagSeconds, 40);
    await sleep(150);
    sampler.stop();
    assert.match(await metrics.registry.metrics(), /^frontdesk_event_loop_lag_seconds \d/m);
  });

  it('stops cleanly: no more samples, and stopping twice is harmless', async () => {
    const values: number[] = [];
    const sampler = startEventLoopLagSampler({ set: (value) => values.push(value) }, 30);
    await sleep(100);
    sampler.stop();
    sampler.stop();
    const seen = values.length;
    assert.ok(seen > 0);
    await sleep(120);
    assert.equal(values.length, seen);
  });

  it('does not keep the process alive', async () => {
    const module = fileURLToPath(new URL('../../src/observability/event-loop-lag.ts', import.meta.url));
    const script = `import { startEventLoopLagSampler } from ${JSON.stringify(module)};
      startEventLoopLagSampler({ set() {} }, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const killer = setTimeout(() => child.kill(), 10_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(killer);
    assert.equal(code, 0, 'the child should exit by itself, not be killed');
  });

  it('refuses an interval shorter than two probe periods', () => {
    assert.throws(() => startEventLoopLagSampler({ set() {} }, 5), RangeError);
    assert.throws(() => startEventLoopLagSampler({ set() {} }, Number.NaN), RangeError);
  });
});
