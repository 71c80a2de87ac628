/**
 * Webhook throughput: signed `POST /twilio/voice` and `POST /twilio/sms` (each a new event, so
 * every one goes through the idempotency ledger's insert on Postgres and the route's work: the
 * call row and its answer; the text's conversation turn and reply) driven by autocannon in a
 * child process, at rising concurrency. Reported: requests/s and p99 latency per step, and the
 * best requests/s whose p99 stays ≤ 30 ms, and the CPU each request cost the app and Postgres (a
 * figure the neighbours on a shared machine move far less than requests/s). No speech vendor is
 * configured, so `/twilio/voice` answers in `<Gather>` mode (a stream-mode answer also opens a
 * Deepgram connection per call).
 *
 * `BENCH_WEBHOOKS_ROUTES` (default `voice,sms`), `BENCH_WEBHOOKS_CONNECTIONS` (default
 * `1,2,4,8,16,32`) and `BENCH_WEBHOOKS_STEP_S` (default 4) narrow a run to what a change is about.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseEnv } from '../src/config/env.js';
import { findBusiness } from '../src/tools/business-file.js';
import { startLocalFrontdesk } from '../src/tools/call-harness.js';
import { benchLogger, figure } from './call-bench.js';
import { cpuPerRequest, readCpu } from './webhook-cpu.js';
import type { WebhookLoad, WebhookLoadResult } from './webhook-load.js';

const ROUTES = (process.env.BENCH_WEBHOOKS_ROUTES ?? 'voice,sms').split(',') as ('voice' | 'sms')[];
const CONNECTIONS = (process.env.BENCH_WEBHOOKS_CONNECTIONS ?? '1,2,4,8,16,32').split(',').map(Number);
const STEP_S = Number(process.env.BENCH_WEBHOOKS_STEP_S ?? 4);
/**
 * Unreported load before each route's first step, so that step's figures (1 connection) measure
 * the route and not V8 compiling it.
 */
const WARM_UP = { connections: 4, durationS: 2 };
const P99_LIMIT_MS = 30;

/**
 * autocannon stops at the step's end with requests still in the app; they finish before the next
 * step starts (and before the app closes, which would fail them on a closed pool).
 */
const SETTLE_MS = 500;

const run = promisify(execFile);
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function load(options: WebhookLoad): Promise<WebhookLoadResult> {
  const { stdout } = await run(`${ROOT}node_modules/.bin/tsx`, ['bench/webhook-load.ts', JSON.stringify(options)], {
    cwd: ROOT,
    timeout: (options.durationS + 30) * 1000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as WebhookLoadResult;
}

export async function webhooksBench(): Promise<void> {
  const env = parseEnv();
  const business = findBusiness(env.BUSINESS_CONFIG, 'salon', (message) => {
    throw new Error(message);
  });
  const frontdesk = await startLocalFrontdesk(env, {}, {
    logger: benchLogger(),
    role: 'web',
    // All load comes from 127.0.0.1; Twilio's comes from many addresses. The per-address flood cap
    // (3000 texts a minute) would answer 429 here and measure itself, not the route.
    textWebhookIpLimit: { requestsPerWindow: 100_000_000, keyPrefix: `bench:${process.pid}` },
  });
  let runIndex = 0;
  try {
    for (const route of ROUTES) {
      let best: WebhookLoadResult | undefined;
      let bestConnections = 0;
      const step = (connections: number, durationS: number) =>
        load({
          target: frontdesk.target,
          publicUrl: frontdesk.publicUrl,
          authToken: frontdesk.authToken,
          route,
          to: business.phoneNumbers[0]!,
          connections,
          durationS,
          runIndex: runIndex++,
        });
      await step(WARM_UP.connections, WARM_UP.durationS);
      await settle();
      for (const connections of CONNECTIONS) {
        const cpuBefore = await readCpu(frontdesk.app.dataSource);
        const result = await step(connections, STEP_S);
        await settle();
        const cpu = cpuPerRequest(cpuBefore, await readCpu(frontdesk.app.dataSource), result.requests);
        const prefix = `webhooks_${route}_c${connections}`;
        figure(`${prefix}_requests_per_s`, Math.round(result.requestsPerS), 'req/s');
        figure(`${prefix}_latency_p99`, result.latencyP99Ms, 'ms');
        figure(`${prefix}_app_cpu_per_request`, cpu.appMs.toFixed(2), 'ms');
        figure(`${prefix}_postgres_cpu_per_request`, cpu.postgresMs.toFixed(2), 'ms');
        if (result.non2xx + result.errors > 0) figure(`${prefix}_failed`, result.non2xx + result.errors, 'requests');
        const clean = result.non2xx + result.errors === 0;
        if (clean && result.latencyP99Ms <= P99_LIMIT_MS && result.requestsPerS > (best?.requestsPerS ?? 0)) {
          best = result;
          bestConnections = connections;
        }
      }
      figure(`webhooks_${route}_requests_per_s_at_p99_le_30ms`, Math.round(best?.requestsPerS ?? 0), `req/s (${bestConnections} connections, p99 ${best?.latencyP99Ms ?? '-'} ms)`);
    }
  } finally {
    await frontdesk.close();
  }
}
