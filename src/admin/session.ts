import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Admin sessions as signed cookies: `v1.<expires ms>.<nonce>.<signature>`, signed with a key
 * derived from ADMIN_PASSWORD. Why a signed cookie and not a server-side table: production runs
 * several web processes and an admin request may land on any of them; every process derives the
 * same key from the same password, so a session works everywhere, and changing the password ends
 * every session. The key comes from scrypt, so a leaked cookie makes guessing the password
 * offline slow rather than one HMAC per guess.
 *
 * The CSRF token of a session is derived from its nonce, so it needs no storage either.
 * Logout clears the cookie and revokes the nonce in this process only (other processes accept
 * a copied cookie until it expires, at most `SESSION_TTL_MS` later).
 */
export const SESSION_TTL_MS = 8 * 3_600_000;
const VERSION = 'v1';

export interface AdminSession {
  nonce: string;
  expiresAt: number;
  csrfToken: string;
}

export class SessionKeeper {
  readonly #key: Buffer;
  /** nonce → expiry: logged-out sessions, forgotten once they would have expired anyway. */
  readonly #revoked = new Map<string, number>();

  constructor(
    password: string,
    private readonly now: () => number = Date.now,
  ) {
    this.#key = scryptSync(password, 'frontdesk-admin-session-v1', 32);
  }

  /** A new session and the cookie value that carries it. */
  issue(): { cookie: string; session: AdminSession } {
    const nonce = randomBytes(18).toString('base64url');
    const expiresAt = this.now() + SESSION_TTL_MS;
    const body = `${VERSION}.${expiresAt}.${nonce}`;
    return { cookie: `${body}.${this.#sign(body)}`, session: this.#session(nonce, expiresAt) };
  }

  /** The session a cookie carries, or undefined when it is forged, expired or logged out. */
  read(cookie: string | undefined): AdminSession | undefined {
    const parts = cookie?.split('.');
    if (!parts || parts.length !== 4 || parts[0] !== VERSION) return undefined;
    const [version, expires, nonce, signature] = parts as [string, string, string, string];
    if (!sameText(signature, this.#sign(`${version}.${expires}.${nonce}`))) return undefined;
    const expiresAt = Number(expires);
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= this.now() || this.#revoked.has(nonce)) return undefined;
    return this.#session(nonce, expiresAt);
  }

  revoke(session: AdminSession): void {
    const now = this.now();
    for (const [nonce, expiresAt] of this.#revoked) if (expiresAt <= now) this.#revoked.delete(nonce);
    this.#revoked.set(session.nonce, session.expiresAt);
  }

  #session(nonce: string, expiresAt: number): AdminSession {
    return { nonce, expiresAt, csrfToken: this.#sign(`csrf.${nonce}`) };
  }

  #sign(text: string): string {
    return createHmac('sha256', this.#key).update(text).digest('base64url');
  }
}

/**
 * Compares two secrets in time that does not depend on where they differ. Both sides are hashed
 * first so that their lengths, which timingSafeEqual requires equal, leak nothing either.
 */
export function sameText(a: string, b: string): boolean {
  const digest = (text: string) => createHmac('sha256', 'frontdesk-compare').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** A random token for the login form's double-submit CSRF check (there is no session yet). */
export function newLoginToken(): string {
  return randomBytes(18).toString('base64url');
}
