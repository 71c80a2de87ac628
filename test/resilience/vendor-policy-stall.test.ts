import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createVendorPolicy, VendorUnavailableError } from '../../src/resilience/vendor-policy.js';
import { LogCapture } from '../support/log-capture.js';

/** A vendor that answers every request after `answerMs`. */
async function startVendor(answerMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    setTimeout(() => response.end('ok'), answerMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Holds this thread's event loop, as a long synchronous task or a starved process does. */
function stallLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

function setup() {
  const metrics = createMetrics();
  const logs = new LogCapture();
  const policy = createVendorPolicy({
    dependency: 'elevenlabs',
    metrics,
    logger: createLogger({ level: 'info', destination: logs }),
    timeoutMs: 300,
    retries: 0,
    breaker: { consecutiveFailures: 2 },
  });
  return { metrics, logs, policy };
}

async function vendorErrors(metrics: ReturnType<typeof createMetrics>): Promise<number> {
  const { values } = await metrics.registry.getSingleMetric('frontdesk_vendor_errors_total')!.get();
  return values.find((value) => value.labels.dependency === 'elevenlabs')?.value ?? 0;
}

describe('vendor policy: timeouts during our own event-loop stall', () => {
  it('fails the attempt but does not blame the vendor when our loop stood still for much of it', async () => {
    const vendor = await startVendor(20);
    const { metrics, logs, policy } = setup();
    try {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const request = policy.execute((signal) => fetch(vendor.url, { signal }).then((response) => response.text()));
        // The vendor's answer is due in 20 ms, but nothing runs here for 400 ms: the attempt's
        // 300 ms are up before its answer is read.
        stallLoop(400);
        await assert.rejects(request, (error: unknown) => error instanceof VendorUnavailableError && error.reason === 'timeout');
      }
      assert.equal(policy.state(), 'closed', 'three stalled timeouts must not open a breaker that opens after two failures');
      assert.equal(await vendorErrors(metrics), 0);
      assert.equal(logs.messages().filter((message) => /our own event-loop stall/.test(message)).length, 3);
      // The vendor is fine: the next attempt, with the loop running, succeeds.
      assert.equal(await policy.execute((signal) => fetch(vendor.url, { signal }).then((response) => response.text())), 'ok');
    } finally {
      await vendor.close();
    }
  });

  it('still blames the vendor for timeouts while our loop ran, even after a short stall', async () => {
    const vendor = await startVendor(2000);
    const { metrics, policy } = setup();
    try {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const request = policy.execute((signal) => fetch(vendor.url, { signal }).then((response) => response.text()));
        stallLoop(attempt === 0 ? 30 : 0);
        await assert.rejects(request, VendorUnavailableError);
      }
      assert.equal(policy.state(), 'open');
      assert.equal(await vendorErrors(metrics), 2);
    } finally {
      await vendor.close();
    }
  });
});
