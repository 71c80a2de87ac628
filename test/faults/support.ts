import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFrontdesk, type Role, type StartOptions } from '../../src/app/frontdesk.js';
import { parseEnv } from '../../src/config/env.js';
import { resolveTwilioAuthToken } from '../../src/config/twilio-auth-token.js';
import { createLogger } from '../../src/observability/logger.js';
import { createTestDatabase } from '../support/database.js';
import type { TestFrontdesk } from '../support/frontdesk.js';
import { LogCapture } from '../support/log-capture.js';

/** One line per fault row, the counts the table asks for; CI logs keep them. */
export function report(row: number, counts: string): void {
  console.log(`      faults #${row}: ${counts}`);
}

export interface FaultFrontdeskOptions {
  env?: Record<string, string>;
  role?: Role;
  start?: StartOptions;
  /** Rewrites the app's DATABASE_URL (e.g. through a fault proxy); the test keeps a direct connection. */
  databaseUrl?: (direct: string) => string;
  /** Lowest level the row reads in `logs`. Default info; `info` is captured anyway for the whole-suite scan. */
  logLevel?: string;
}

/**
 * What every fault row's Frontdesk logged and exposed on `/metrics`, kept for the whole-suite
 * scan for personal data (row 13 looks for it in every row, not only its own).
 */
export interface CapturedOutput {
  /** The row's test file, e.g. `03-replayed-texts.test.ts`. */
  row: string;
  logs: LogCapture;
  /** The metrics exposition as it stood when the app closed. */
  metrics?: string;
}
export const capturedOutputs: CapturedOutput[] = [];

/** The level the whole-suite scan needs: rows that log only errors still log requests for it. */
function captureLevel(rowLevel: string | undefined): string {
  const verbosity = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
  const row = verbosity.indexOf(rowLevel ?? 'info');
  return verbosity[Math.min(row < 0 ? 2 : row, verbosity.indexOf('info'))]!;
}

function callingRowFile(): string {
  const stack = new Error().stack ?? '';
  return /test\/faults\/([\w.-]+\.test\.ts)/.exec(stack)?.[1] ?? 'unknown row';
}

export interface FaultFrontdesk extends TestFrontdesk {
  /** Every JSON line the app logged. */
  logs: LogCapture;
}

/**
 * `startTestFrontdesk` with what fault rows need besides: the app's log lines captured, and its
 * database reachable through another address than the test's own connection.
 */
export async function startFaultFrontdesk(options: FaultFrontdeskOptions = {}): Promise<FaultFrontdesk> {
  const db = await createTestDatabase({ migrated: false });
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdesk-faults-'));
  const env = parseEnv({
    PORT: '0',
    DATABASE_URL: options.databaseUrl ? options.databaseUrl(db.url) : db.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: captureLevel(options.logLevel),
    ...options.env,
  });
  const logs = new LogCapture();
  const captured: CapturedOutput = { row: callingRowFile(), logs };
  capturedOutputs.push(captured);
  const logger = createLogger({ level: env.LOG_LEVEL, destination: logs });
  const textRateLimit = { keyPrefix: `frontdesk-faults:${randomBytes(6).toString('hex')}:text-rate` };
  // Every fault row sends from 127.0.0.1, thousands of times; the per-address cap has its own test.
  const textWebhookIpLimit = { requestsPerWindow: 1_000_000 };
  const running = await startFrontdesk(env, options.role ?? 'web', logger, { textRateLimit, textWebhookIpLimit, ...options.start });
  return {
    running,
    url: running.url!,
    publicUrl: running.publicUrl!,
    authToken: resolveTwilioAuthToken(env).token,
    db,
    logs,
    async close() {
      captured.metrics = await running.metrics.registry.metrics();
      await running.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the items' order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Sum of a counter's samples whose labels match `labels`, read from the app's registry. */
export async function counterValue(
  app: TestFrontdesk,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = app.running.metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values
    .filter((value) => Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted))
    .reduce((sum, value) => sum + value.value, 0);
}

/** Polls until `check` holds, or fails after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
