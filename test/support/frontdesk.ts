import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import { startFrontdesk, type Role, type RunningFrontdesk, type StartOptions } from '../../src/app/frontdesk.js';
import { parseEnv } from '../../src/config/env.js';
import { resolveTwilioAuthToken } from '../../src/config/twilio-auth-token.js';
import { createLogger } from '../../src/observability/logger.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestFrontdesk {
  running: RunningFrontdesk;
  url: string;
  publicUrl: string;
  /** The token webhooks must be signed with (the generated local development token). */
  authToken: string;
  db: TestDatabase;
  close(): Promise<void>;
}

/** A real Frontdesk on port 0 with its own database and data folder. */
export async function startTestFrontdesk(
  overrides: Record<string, string> = {},
  role: Role = 'web',
  options: StartOptions = {},
): Promise<TestFrontdesk> {
  const db = await createTestDatabase({ migrated: false });
  const dataDir = mkdtempSync(join(tmpdir(), 'frontdesk-test-'));
  const env = parseEnv({
    PORT: '0',
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  // Each app counts texts under its own Redis prefix, so reruns within a minute start afresh.
  const textRateLimit = { keyPrefix: `frontdesk-test:${randomBytes(6).toString('hex')}:text-rate` };
  // Load tests send thousands of webhooks from 127.0.0.1; the per-address cap has its own test.
  const textWebhookIpLimit = { requestsPerWindow: 1_000_000 };
  const running = await startFrontdesk(env, role, createLogger({ level: env.LOG_LEVEL }), { textRateLimit, textWebhookIpLimit, ...options });
  return {
    running,
    url: running.url!,
    publicUrl: running.publicUrl!,
    authToken: resolveTwilioAuthToken(env).token,
    db,
    async close() {
      await running.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SignedPostOptions {
  /** Sign with this token instead of the app's. */
  token?: string;
  /** Sign over this URL instead of the one requested. */
  signedUrl?: string;
  /** Send these parameters instead of the signed ones. */
  sentParams?: Record<string, string>;
  signature?: string | null;
}

/** POSTs form parameters to `path`, signed the way Twilio signs. */
export async function signedPost(
  app: TestFrontdesk,
  path: string,
  params: Record<string, string>,
  options: SignedPostOptions = {},
): Promise<Response> {
  const signature =
    options.signature === undefined
      ? twilio.getExpectedTwilioSignature(options.token ?? app.authToken, options.signedUrl ?? `${app.publicUrl}${path}`, params)
      : options.signature;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  return fetch(`${app.url}${path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(options.sentParams ?? params),
  });
}

/** Row counts of every table but the migrations log: "nothing was written" compares these. */
export async function rowCounts(app: TestFrontdesk): Promise<Record<string, number>> {
  const tables: { table_name: string }[] = await app.db.dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) {
    const [row] = await app.db.dataSource.query(`SELECT count(*)::int AS n FROM "${table_name}"`);
    counts[table_name] = row.n;
  }
  return counts;
}

let sidCounter = 0;
/** A fresh Twilio-shaped id, e.g. `CA` + 32 hex digits. */
export function sid(prefix: 'CA' | 'SM' | 'MM'): string {
  sidCounter += 1;
  return `${prefix}${Date.now().toString(16).padStart(16, '0')}${sidCounter.toString(16).padStart(16, '0')}`;
}

/** A response's JSON body, loosely typed: tests assert on its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function jsonBody(response: Response): Promise<any> {
  return response.json();
}
