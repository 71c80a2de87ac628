import assert from 'node:assert/strict';
import type { Counter } from 'prom-client';
import { startFaultProxy, type FaultProxy } from '../fakes/fault-proxy.js';
import { counterValue, type FaultFrontdesk } from './support.js';

/**
 * Fault #9's machinery: drive requests at a dependency under a fault until its breaker opens,
 * count the vendor failures it took, lift the fault, and see the breaker close.
 */

/** The issue: a failing vendor's breaker opens within 5 failures. */
export const OPEN_WITHIN = 5;
const MAX_TRIES = 12;
export const modes = ['reset', 'hang', '500'] as const;
export type Mode = (typeof modes)[number];

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const through = (url: string, proxy: FaultProxy) => url.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${proxy.port}`);
export const proxyFor = (url: string) => startFaultProxy({ host: '127.0.0.1', port: Number(new URL(url).port) });
/** A proxy's faults: `reset` resets new connections and the pooled ones; `hang` holds every byte. */
export function breakLink(link: FaultProxy, mode: Mode, on: boolean): void {
  if (mode === 'reset') {
    link.resetNew(on);
    if (on) link.reset();
  }
  if (mode === 'hang') link.hang(on);
}
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? -1;

/**
 * `vendor_errors_total{dependency}` less its value now, read at the instant the dependency's
 * breaker opens. The policy logs the open synchronously when the failure that opens it is
 * recorded, and counts that failure a few promise steps later; the reading waits those steps out
 * (a chain of microtasks: nothing arriving later from the network can run in between).
 */
function countAtOpen(app: FaultFrontdesk, dependency: string): { stop(): Promise<number | undefined> } {
  const counter = app.running.metrics.registry.getSingleMetric('frontdesk_vendor_errors_total') as Counter<string>;
  // Makes the label's sample exist, so it can be read by reference when the moment comes.
  counter.inc({ dependency }, 0);
  const sample = counter.get().then((metric) => metric.values.find((value) => value.labels.dependency === dependency)!);
  let before: number | undefined;
  void sample.then((value) => (before = value.value));
  let reading: number | undefined;
  const logs = app.logs;
  const write = logs.write;
  logs.write = (line: string) => {
    write.call(logs, line);
    if (reading !== undefined || before === undefined || !line.includes('circuit breaker opened') || !line.includes(`"dependency":"${dependency}"`)) return;
    let settled: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < 50; i += 1) settled = settled.then(() => undefined);
    void Promise.all([sample, settled]).then(([value]) => (reading ??= value.value - before!));
  };
  return {
    async stop() {
      await new Promise((resolve) => setTimeout(resolve, 0));
      logs.write = write;
      return reading;
    },
  };
}

/** Drives `request` under the fault until the breaker opens; then lifts it and waits for the breaker to close. */
export async function exercise<T extends { ms: number }>(
  app: FaultFrontdesk,
  dependency: string,
  mode: Mode,
  setFault: (mode: Mode, on: boolean) => void,
  request: () => Promise<T>,
  served: (result: T) => boolean,
  halfOpenMs: number,
  settleMs = 0,
) {
  const breaker = (name: string) => counterValue(app, 'frontdesk_breaker_state', { dependency: name });
  const vendorErrors = (name: string) => counterValue(app, 'frontdesk_vendor_errors_total', { dependency: name });
  assert.equal(await breaker(dependency), 0, `${dependency} breaker closed before ${mode}`);
  // Vendor attempts may fail after the request that started them was answered (the voice answer
  // waits on Deepgram only so long, outbox jobs run in the background, several at once): failures
  // are counted when the breaker opens, at the instant it logs so.
  const errorsBefore = await vendorErrors(dependency);
  const atOpen = countAtOpen(app, dependency);
  let failuresAtOpen = -1;
  let watching = true;
  const watcher = (async () => {
    while (watching && failuresAtOpen < 0) {
      if ((await breaker(dependency)) === 2) failuresAtOpen = (await vendorErrors(dependency)) - errorsBefore;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  setFault(mode, true);
  let failedBeforeOpen = 0;
  let unserved = 0;
  let slowest = 0;
  for (let i = 0; i < MAX_TRIES && (await breaker(dependency)) !== 2; i += 1) {
    const result = await request();
    failedBeforeOpen += 1;
    slowest = Math.max(slowest, result.ms);
    if (!served(result)) unserved += 1;
  }
  // Attempts still running may open it just after the last request.
  for (let i = 0; i < 100 && (await breaker(dependency)) !== 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  watching = false;
  await watcher;
  const opened = (await breaker(dependency)) === 2;
  // The request loop may see the breaker open before the watcher's next look does.
  if (opened && failuresAtOpen < 0) failuresAtOpen = (await vendorErrors(dependency)) - errorsBefore;
  // The watcher's reading can include attempts that were already under way and failed just after
  // the open (and the open breaker's own refusals, which the counter also counts); the reading
  // taken when the open was logged has none of those.
  const precise = await atOpen.stop();
  if (opened && precise !== undefined) failuresAtOpen = precise;
  // While open: served at once, without waiting on the vendor.
  const whileOpen = await request();
  setFault(mode, false);
  await new Promise((resolve) => setTimeout(resolve, halfOpenMs + 200));
  let closedAfter = -1;
  for (let i = 0; i < 5; i += 1) {
    await request();
    if ((await breaker(dependency)) === 0) {
      closedAfter = i + 1;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  // Background work (outbox jobs retrying with backoff) may make the trial call a little later.
  for (const deadline = Date.now() + settleMs; closedAfter < 0 && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if ((await breaker(dependency)) === 0) closedAfter = 5;
  }
  return {
    dependency, mode, opened, failedBeforeOpen, failuresAtOpen, unserved: unserved + (served(whileOpen) ? 0 : 1), slowest, whileOpenMs: whileOpen.ms, closedAfter,
    notes: undefined as string | undefined,
  };
}

/** True once `check` holds, false when `timeoutMs` passed first: for outcomes the caller reports before asserting. */
export async function within(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}
