import { AsyncLocalStorage } from 'node:async_hooks';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
// The Calendar API's own entry point, not the `googleapis` index: that one loads every Google API
// (~66 MB of heap for the life of the process; this is ~4 MB), and a big heap makes every
// garbage collection, and so every call's audio, pause longer.
import { auth as googleAuth, type AuthPlus } from 'googleapis/build/src/apis/calendar/index.js';

type JwtClient = InstanceType<AuthPlus['JWT']>;
import type { Logger } from '../observability/logger.js';

/**
 * Service-account authorization for the Google Calendar adapter (internal to it: the SDK types
 * here never go further than `google-calendar-provider.ts`).
 *
 * google-auth-library's JWT client trades a signed assertion for an access token at a token URL
 * it hard-codes (`https://oauth2.googleapis.com/token` in `gtoken/getToken.js`; it ignores the
 * credentials file's `token_uri` and has no option for it). So the client's own transporter
 * (a Gaxios instance) gets a request interceptor that re-targets that origin at `tokenUrl`.
 * The same interceptor turns off Gaxios's retries, which the token request enables for POST by
 * default, so the vendor policy stays the only retry layer.
 */

/** Least privilege: write events, read free/busy. Domain-wide delegation must grant exactly these. */
export const GOOGLE_CALENDAR_SCOPES: readonly string[] = Object.freeze([
  'https://www.googleapis.com/auth/calendar.events',
]);

const GOOGLE_TOKEN_ORIGIN = 'https://oauth2.googleapis.com';

export interface GoogleServiceAccount {
  clientEmail: string;
  privateKey: string;
  privateKeyId?: string;
}

/**
 * Google refused to authorize us: the token endpoint answered an OAuth error such as
 * `invalid_grant` (key deleted or expired, delegation revoked, subject not in the domain) or
 * `unauthorized_client` (delegation not granted for these scopes). Retrying cannot help until
 * someone fixes the account, so this never retries nor trips the breaker.
 */
export class GoogleAuthorizationError extends Error {
  override readonly name = 'GoogleAuthorizationError';
  readonly retryable = false;

  constructor(
    /** The OAuth error code, e.g. `invalid_grant`. */
    readonly code: string,
    description: string,
  ) {
    super(
      `Google refused the service account's token request (${code}: ${description}). ` +
        'Check that the key in GOOGLE_CALENDAR_CREDENTIALS still exists, and that domain-wide delegation ' +
        `grants ${GOOGLE_CALENDAR_SCOPES.join(' ')} for the impersonated user.`,
    );
  }
}

/** Reads and checks the service-account JSON once, at start; fails with what is wrong and where. */
export function readServiceAccount(credentialsFile: string): GoogleServiceAccount {
  const problem = (what: string) =>
    new Error(`GOOGLE_CALENDAR_CREDENTIALS (${credentialsFile}): ${what}; download a service-account JSON key from the Google Cloud console`);
  let text: string;
  try {
    text = readFileSync(credentialsFile, 'utf8');
  } catch (error) {
    throw problem(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the fault, which may be part of the key.
    throw problem('the file is not valid JSON');
  }
  const json = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (json.type !== 'service_account') throw problem(`expected "type": "service_account", got ${JSON.stringify(json.type)}`);
  if (typeof json.client_email !== 'string' || json.client_email === '') throw problem('"client_email" is missing');
  if (typeof json.private_key !== 'string') throw problem('"private_key" is missing');
  try {
    createPrivateKey(json.private_key);
  } catch {
    throw problem('"private_key" is not a PEM private key');
  }
  return {
    clientEmail: json.client_email,
    privateKey: json.private_key,
    ...(typeof json.private_key_id === 'string' ? { privateKeyId: json.private_key_id } : {}),
  };
}

export interface GoogleAuthOptions {
  account: GoogleServiceAccount;
  /** The user to impersonate (domain-wide delegation); without it, the service account's own calendars. */
  subject?: string;
  /** Origin (optionally with a path prefix) that stands in for https://oauth2.googleapis.com. */
  tokenUrl?: string;
}

export interface GoogleAuth {
  readonly client: JwtClient;
  /**
   * Runs `fn` with `signal` attached to any token request it triggers. The SDK gives no way to
   * pass a signal to the token request it makes on its own; without one, a token endpoint that
   * never answers would hold the shared in-flight token request, and every later call, forever.
   */
  withSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T>;
  /** Marks the cached access token expired, so the next call fetches a new one (after a 401). */
  expireAccessToken(): void;
}

export function createGoogleAuth(options: GoogleAuthOptions): GoogleAuth {
  const client = new googleAuth.JWT({
    email: options.account.clientEmail,
    key: options.account.privateKey,
    ...(options.account.privateKeyId === undefined ? {} : { keyId: options.account.privateKeyId }),
    ...(options.subject === undefined ? {} : { subject: options.subject }),
    // With scopes set, the client uses the token endpoint rather than a self-signed JWT.
    scopes: [...GOOGLE_CALENDAR_SCOPES],
  });
  const currentSignal = new AsyncLocalStorage<AbortSignal>();
  const tokenBase = options.tokenUrl === undefined ? undefined : options.tokenUrl.replace(/\/*$/, '/');

  client.transporter.interceptors.request.add({
    resolved: async (config) => {
      config.retry = false;
      config.retryConfig = { ...config.retryConfig, retry: 0 };
      if (config.url.origin !== GOOGLE_TOKEN_ORIGIN) return config;
      if (tokenBase !== undefined) {
        config.url = new URL(`${config.url.pathname.slice(1)}${config.url.search}`, tokenBase);
      }
      config.signal ??= currentSignal.getStore();
      return config;
    },
  });

  return {
    client,
    withSignal: (signal, fn) => currentSignal.run(signal, fn),
    expireAccessToken: () => client.setCredentials({ ...client.credentials, expiry_date: 1 }),
  };
}

export interface AuthorizationStatus {
  ok: boolean;
  /** Why Google refuses us, for /health and the admin page. Only when `ok` is false. */
  error?: string;
  /** When the refusals started. Only when `ok` is false. */
  since?: Date;
}

/** Remembers whether Google accepts our credentials; logs each change once, not each refusal. */
export class AuthorizationTracker {
  private failure: { error: string; since: Date } | undefined;

  constructor(private readonly logger: Logger) {}

  status(): AuthorizationStatus {
    if (this.failure === undefined) return { ok: true };
    return { ok: false, error: this.failure.error, since: new Date(this.failure.since) };
  }

  succeeded(): void {
    if (this.failure === undefined) return;
    this.failure = undefined;
    this.logger.info({ dependency: 'google_calendar' }, 'Google Calendar authorization restored');
  }

  failed(error: GoogleAuthorizationError): void {
    if (this.failure !== undefined) {
      this.failure.error = error.message;
      return;
    }
    this.failure = { error: error.message, since: new Date() };
    this.logger.error(
      { dependency: 'google_calendar', code: error.code, err: error },
      'Google Calendar authorization failed; calendar sync is stopped until the credentials are fixed',
    );
  }
}
