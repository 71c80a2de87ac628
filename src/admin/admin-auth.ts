import type { Request, Response } from 'express';
import { SESSION_TTL_MS, sameText, type AdminSession, type SessionKeeper } from './session.js';

export const SESSION_COOKIE = 'frontdesk_admin';
export const LOGIN_COOKIE = 'frontdesk_admin_login';

/**
 * An admin request that cannot go on, with the status and a message saying what to do. Routes
 * answer it as JSON under /admin/api and as a page elsewhere.
 */
export class AdminError extends Error {
  override name = 'AdminError';
  constructor(
    readonly status: number,
    readonly code: 'invalid_parameters' | 'unauthorized' | 'invalid_csrf' | 'not_found' | 'too_many_attempts' | 'admin_disabled',
    message: string,
  ) {
    super(message);
  }
}

/** Cookies of the request; Express 5 has no cookie parser built in and we need two names. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface CookiePolicy {
  /** Secure cookies when the admin is served over https (PUBLIC_URL). */
  secure: boolean;
}

/**
 * Sets a cookie scoped to /admin, httpOnly (no script reads it) and SameSite=Strict (no other
 * site's page can make the browser send it, the first line of CSRF defence).
 */
export function setCookie(res: Response, policy: CookiePolicy, name: string, value: string, maxAgeMs: number): void {
  res.cookie(name, value, { httpOnly: true, sameSite: 'strict', secure: policy.secure, path: '/admin', maxAge: maxAgeMs });
}

export function clearCookie(res: Response, policy: CookiePolicy, name: string): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'strict', secure: policy.secure, path: '/admin' });
}

export function startSession(res: Response, policy: CookiePolicy, sessions: SessionKeeper): AdminSession {
  const { cookie, session } = sessions.issue();
  setCookie(res, policy, SESSION_COOKIE, cookie, SESSION_TTL_MS);
  clearCookie(res, policy, LOGIN_COOKIE);
  return session;
}

/** The session of a request; an AdminError(401) when there is none. */
export function requireSession(req: Request, sessions: SessionKeeper): AdminSession {
  const session = sessions.read(readCookie(req, SESSION_COOKIE));
  if (!session) throw new AdminError(401, 'unauthorized', 'log in at /admin/login first');
  return session;
}

/** Every state-changing POST carries the session's token in the form; a missing or wrong one is refused. */
export function checkCsrf(req: Request, expected: string): void {
  const sent: unknown = (req.body as Record<string, unknown> | undefined)?.csrf;
  if (typeof sent !== 'string' || !sameText(sent, expected)) {
    throw new AdminError(403, 'invalid_csrf', 'the form is out of date or was not sent from the admin pages; reload the page and try again');
  }
}

/** Where to go after login: only an admin path of ours, never another site (open redirect). */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/admin(?:[/?]|$)/.test(value) && !value.includes('//') && !value.includes('\\') ? value : '/admin';
}
