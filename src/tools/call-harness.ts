/**
 * What `npm run call` and the benchmarks share to phone Frontdesk locally: the vendor fakes of
 * `test/fakes` at chosen latencies, and Frontdesk started in this process against them on a
 * scratch database (dropped on close), so a run with a pinned clock repeats.
 */
import { randomBytes } from 'node:crypto';
import type { VendorUrls } from './call-fakes.js';
import { startFrontdesk, type RunningFrontdesk, type StartOptions } from '../app/frontdesk.js';
import type { Env } from '../config/env.js';
import { resolveTwilioAuthToken } from '../config/twilio-auth-token.js';
import type { Logger } from '../observability/logger.js';
import { dropDatabase } from '../storage/ensure-database.js';

export { fakeUrls, startCallFakes, type CallFakes, type VendorLatencies, type VendorUrls } from './call-fakes.js';

export interface LocalFrontdesk {
  app: RunningFrontdesk;
  /** Where to post and connect, e.g. `http://127.0.0.1:PORT`. */
  target: string;
  /** The origin signatures cover. */
  publicUrl: string;
  authToken: string;
  close(): Promise<void>;
}

export interface LocalFrontdeskOptions {
  logger: Logger;
  /** Pins the clock of every conversation and booking. */
  now?: Date;
  role?: 'web' | 'all';
  voice?: StartOptions['voice'];
  /** The per-address cap on text webhooks; load runs from one address raise it. */
  textWebhookIpLimit?: StartOptions['textWebhookIpLimit'];
  /** Env values on top (MAX_CALLS for load runs). */
  overrides?: Partial<Env>;
}

/** Frontdesk in this process on a scratch database of DATABASE_URL's server, against `urls`. */
export async function startLocalFrontdesk(base: Env, urls: VendorUrls, options: LocalFrontdeskOptions): Promise<LocalFrontdesk> {
  const scratch = scratchDatabaseUrl(base.DATABASE_URL);
  const env: Env = {
    ...base,
    ...options.overrides,
    PORT: 0,
    DATABASE_URL: scratch,
    DEEPGRAM_API_KEY: urls.deepgram ? 'simulator' : undefined,
    DEEPGRAM_URL: urls.deepgram,
    ELEVENLABS_API_KEY: urls.elevenlabs ? 'simulator' : undefined,
    ELEVENLABS_BASE_URL: urls.elevenlabs,
    OPENAI_API_KEY: urls.openai ? 'simulator' : undefined,
    OPENAI_BASE_URL: urls.openai,
  };
  const startOptions: StartOptions = {
    ...(options.now ? { now: () => options.now! } : {}),
    ...(options.voice ? { voice: options.voice } : {}),
    ...(options.textWebhookIpLimit ? { textWebhookIpLimit: options.textWebhookIpLimit } : {}),
  };
  let app: RunningFrontdesk;
  try {
    app = await startFrontdesk(env, options.role ?? 'all', options.logger, startOptions);
  } catch (error) {
    await dropDatabase(scratch);
    throw error;
  }
  return {
    app,
    target: app.url!,
    publicUrl: app.publicUrl!,
    authToken: resolveTwilioAuthToken(env).token,
    async close() {
      await app.close();
      await dropDatabase(scratch);
    },
  };
}

function scratchDatabaseUrl(base: string): string {
  const url = new URL(base);
  url.pathname = `/frontdesk_call_${randomBytes(6).toString('hex')}`;
  return url.toString();
}
