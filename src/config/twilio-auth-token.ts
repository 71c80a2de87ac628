import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TwilioAuthToken {
  token: string;
  /** `env` when TWILIO_AUTH_TOKEN is set; `local` when a development token was generated. */
  source: 'env' | 'local';
  /** Where the local token is kept, so simulators can sign with it. */
  path?: string;
}

export function localTokenPath(dataDir: string): string {
  return join(dataDir, 'twilio-dev-auth-token');
}

/**
 * Signatures are never switched off. Without TWILIO_AUTH_TOKEN a random development token is
 * generated once, kept under DATA_DIR, and reused on every start; the call and chat simulators
 * read the same file to sign their requests.
 */
export function resolveTwilioAuthToken(env: { TWILIO_AUTH_TOKEN?: string; DATA_DIR: string }): TwilioAuthToken {
  if (env.TWILIO_AUTH_TOKEN) return { token: env.TWILIO_AUTH_TOKEN, source: 'env' };
  const path = localTokenPath(env.DATA_DIR);
  try {
    const kept = readFileSync(path, 'utf8').trim();
    if (kept) return { token: kept, source: 'local', path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(env.DATA_DIR, { recursive: true });
  const token = randomBytes(16).toString('hex');
  try {
    // 'wx' fails if another process wrote it first; then that token is the one to use.
    writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return { token, source: 'local', path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { token: readFileSync(path, 'utf8').trim(), source: 'local', path };
  }
}
