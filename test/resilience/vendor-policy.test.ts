import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import {
  CallerCancelled,
  createVendorPolicy,
  VendorUnavailableError,
  type VendorPolicyOptions,
} from '../../src/resilience/vendor-policy.js';
import { LogCapture } from '../support/log-capture.js';

const DEPENDENCY = 'google_calendar';


async function metricValue(metrics: Metrics, name: string): Promise<number | undefined> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values.find((value) => value.labels.dependency === DEPENDENCY)?.value;
}

const breakerGauge = (metrics: Metrics) => metricValue(metrics, 'frontdesk_breaker_state');
const vendorErrors = (metrics: Metrics) => metricValue(metrics, 'frontdesk_vendor_errors_total');

function setup(overrides: Partial<VendorPolicyOptions> = {}) {
  const metrics = createMetrics();
  const logs = new LogCapture();
  const policy = createVendorPolicy({
    dependency: DEPENDENCY,
    metrics,
    logger: createLogger({ level: 'info', destination: logs }),
    timeoutMs: 1000,
    retries: 0,
    retryDelay: { initialMs: 5, maxMs: 20 },
    ...overrides,
  });
  return { metrics, logs, policy };
}

class VendorDown extends Error {
  override name = 'VendorDown';
}

/** An error that blames the request, as a vendor adapter classifies a 400. */
class BadRequest extends Error {
  override name = 'BadRequest';
  readonly retryable = false;
}

/** A function that fails `failures` times with `error`, then answers `value`, counting its calls. */
function flaky<T>(failures: number, value: T, error: () => Error = () => new VendorDown('503')) {
  let calls = 0;
  const fn = async (): Promise<T> => {
    calls += 1;
    if (calls <= failures) throw error();
    return value;
  };
  return { fn, calls: () => calls };
}

describe('createVendorPolicy', () => {
  it('passes a success through and leaves the breaker closed', async () => {
    const { policy, metrics } = setup();
    assert.equal(await policy.execute(async () => 'ok'), 'ok');
    assert.equal(policy.state(), 'closed');
    assert.equal(await breakerGauge(metrics), 0);
    assert.equal(await vendorErrors(metrics), 0);
  });

  it('times an attempt out: aborts its signal and throws VendorUnavailableError', async () => {
    const { policy, metrics } = setup({ timeoutMs: 50 });
    let seen: AbortSignal | undefined;
    const startedAt = Date.now();
    const hanging = policy.execute(
      (signal) =>
        new Promise<never>(() => {
          seen = signal;
        }),
    );
    const error = await hanging.then(
      () => assert.fail('expected a timeout'),
      (thrown: unknown) => thrown,
    );
    const elapsedMs = Date.now() - startedAt;
    assert.ok(error instanceof VendorUnavailableError, String(error));
    assert.equal(error.reason, 'timeout');
    assert.equal(error.dependency, DEPENDENCY);
    assert.match(error.message, /google_calendar did not answer within 50 ms/);
    assert.equal(error.retryable, true);
    assert.ok(seen?.aborted, 'the attempt’s signal is aborted');
    assert.ok(elapsedMs >= 45 && elapsedMs < 1000, `timed out after ${elapsedMs} ms`);
    assert.equal(await vendorErrors(metrics), 1);
  });

  it('retries an idempotent operation, counting every failed attempt', async () => {
    const { policy, metrics } = setup({ retries: 2 });
    const vendor = flaky(2, 'booked');
    assert.equal(await policy.execute(vendor.fn, { idempotent: true }), 'booked');
    assert.equal(vendor.calls(), 3);
    assert.equal(await vendorErrors(metrics), 2);
  });

  it('gives up after the configured number of retries with the last error', async () => {
    const { policy } = setup({ retries: 2 });
    const vendor = flaky(10, 'never');
    await assert.rejects(policy.execute(vendor.fn, { idempotent: true }), VendorDown);
    assert.equal(vendor.calls(), 3);
  });

  it('does not retry an operation that is not idempotent', async () => {
    const { policy } = setup({ retries: 3 });
    const vendor = flaky(1, 'sent');
    await assert.rejects(policy.execute(vendor.fn), VendorDown);
    assert.equal(vendor.calls(), 1);
  });

  it('retries a timed-out idempotent attempt with a fresh signal', async () => {
    const { policy } = setup({ retries: 1, timeoutMs: 40 });
    const signals: AbortSignal[] = [];
    const result = await policy.execute(
      (signal) => {
        signals.push(signal);
        return signals.length === 1 ? new Promise<never>(() => {}) : Promise.resolve('second');
      },
      { idempotent: true },
    );
    assert.equal(result, 'second');
    assert.equal(signals.length, 2);
    assert.notEqual(signals[0], signals[1]);
    assert.ok(signals[0]?.aborted);
  });

  it('with retryTimeouts false, retries a quick failure but not a timed-out attempt', async () => {
    const { policy } = setup({ retries: 1, timeoutMs: 40 });
    let attempts = 0;
    const hanging = () => {
      attempts += 1;
      return new Promise<never>(() => {});
    };
    const quickOnly = { idempotent: true, retryTimeouts: false };
    await assert.rejects(policy.execute(hanging, quickOnly), (error: unknown) => error instanceof VendorUnavailableError && error.reason === 'timeout');
    assert.equal(attempts, 1);
    const vendor = flaky(1, 'second');
    assert.equal(await policy.execute(vendor.fn, quickOnly), 'second');
    assert.equal(vendor.calls(), 2);
  });

  it('opens after N consecutive failures, fails fast, then half-opens and closes on a success', async () => {
    const { policy, metrics, logs } = setup({ breaker: { consecutiveFailures: 3, halfOpenAfterMs: 150 } });
    const vendor = flaky(3, 'back');
    for (let i = 0; i < 3; i += 1) await assert.rejects(policy.execute(vendor.fn), VendorDown);
    assert.equal(policy.state(), 'open');
    assert.equal(await breakerGauge(metrics), 2);

    const refused = await policy.execute(vendor.fn).catch((error: unknown) => error);
    assert.ok(refused instanceof VendorUnavailableError);
    assert.equal(refused.reason, 'breaker_open');
    assert.match(refused.message, /google_calendar is unavailable: its circuit breaker opened after 3/);
    assert.equal(vendor.calls(), 3, 'the open breaker does not call the vendor');
    assert.equal(await vendorErrors(metrics), 4, 'the rejection counts as a vendor error');

    await sleep(170);
    let release: (value: string) => void = () => {};
    const trial = policy.execute(
      () =>
        new Promise<string>((resolve) => {
          release = resolve;
        }),
    );
    await sleep(5);
    assert.equal(policy.state(), 'half-open');
    assert.equal(await breakerGauge(metrics), 1);
    release('back');
    assert.equal(await trial, 'back');
    assert.equal(policy.state(), 'closed');
    assert.equal(await breakerGauge(metrics), 0);

    assert.deepEqual(logs.messages(), [
      'vendor circuit breaker opened; failing fast',
      'vendor circuit breaker half-open; trying one call',
      'vendor circuit breaker closed; calls flow again',
    ]);
  });

  it('re-opens when the half-open trial fails', async () => {
    const { policy, metrics } = setup({ breaker: { consecutiveFailures: 1, halfOpenAfterMs: 50 } });
    const vendor = flaky(2, 'back');
    await assert.rejects(policy.execute(vendor.fn), VendorDown);
    assert.equal(policy.state(), 'open');
    await sleep(70);
    await assert.rejects(policy.execute(vendor.fn), VendorDown);
    assert.equal(policy.state(), 'open');
    assert.equal(await breakerGauge(metrics), 2);
    await sleep(70);
    assert.equal(await policy.execute(vendor.fn), 'back');
    assert.equal(policy.state(), 'closed');
  });

  it('does not retry a breaker rejection', async () => {
    const { policy } = setup({ retries: 3, breaker: { consecutiveFailures: 1, halfOpenAfterMs: 10_000 } });
    const vendor = flaky(100, 'never');
    await assert.rejects(policy.execute(vendor.fn), VendorDown);
    const startedAt = Date.now();
    await assert.rejects(policy.execute(vendor.fn, { idempotent: true }), VendorUnavailableError);
    assert.equal(vendor.calls(), 1);
    assert.ok(Date.now() - startedAt < 100, 'fails fast');
  });

  it('neither retries nor trips on errors that blame the request', async () => {
    const { policy, metrics, logs } = setup({ retries: 3, breaker: { consecutiveFailures: 2 } });
    const vendor = flaky(100, 'never', () => new BadRequest('400 invalid'));
    for (let i = 0; i < 5; i += 1) {
      await assert.rejects(policy.execute(vendor.fn, { idempotent: true }), BadRequest);
    }
    assert.equal(vendor.calls(), 5, 'one attempt per call');
    assert.equal(policy.state(), 'closed');
    assert.equal(await breakerGauge(metrics), 0);
    assert.equal(await vendorErrors(metrics), 5, 'still counted as failed calls');
    assert.deepEqual(logs.lines, []);
  });

  it('counts only consecutive failures: a success in between resets the count', async () => {
    const { policy } = setup({ breaker: { consecutiveFailures: 2 } });
    await assert.rejects(policy.execute(flaky(1, 'x').fn), VendorDown);
    await policy.execute(async () => 'fine');
    await assert.rejects(policy.execute(flaky(1, 'x').fn), VendorDown);
    assert.equal(policy.state(), 'closed');
    await assert.rejects(policy.execute(flaky(1, 'x').fn), VendorDown);
    assert.equal(policy.state(), 'open');
  });

  it('rejects nonsense options at construction', () => {
    assert.throws(() => setup({ timeoutMs: 0 }), /timeoutMs must be a positive number/);
    assert.throws(() => setup({ retries: -1 }), /retries must be 0 or more/);
    assert.throws(() => setup({ breaker: { consecutiveFailures: 0 } }), /consecutiveFailures/);
  });

  it("stops on the caller's cancellation: the attempt's signal aborts, no retry, no vendor error, the breaker untouched", async () => {
    const { policy, metrics } = setup({ retries: 3, breaker: { consecutiveFailures: 1 } });
    const caller = new AbortController();
    let attempts = 0;
    const call = policy.execute(
      (signal) =>
        new Promise<never>((_resolve, reject) => {
          attempts += 1;
          signal.addEventListener('abort', () => reject(new Error('aborted by signal')));
        }),
      { idempotent: true, signal: caller.signal },
    );
    caller.abort();
    await assert.rejects(call, CallerCancelled);
    assert.equal(attempts, 1);
    assert.equal(await vendorErrors(metrics), 0);
    assert.equal(policy.state(), 'closed');
    await assert.rejects(policy.execute(async () => 'never run', { signal: caller.signal }), CallerCancelled);
  });
});
