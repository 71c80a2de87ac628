import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { AdminDependencies } from '../../admin/admin-dependencies.js';
import {
  AdminError,
  LOGIN_COOKIE,
  SESSION_COOKIE,
  checkCsrf,
  clearCookie,
  readCookie,
  requireSession,
  safeNext,
  setCookie,
  startSession,
  type CookiePolicy,
} from '../../admin/admin-auth.js';
import { loadCall } from '../../admin/call-queries.js';
import { LoginThrottle } from '../../admin/login-throttle.js';
import { adminPages } from '../../admin/page-handlers.js';
import { AdminInputError, parseId, parseStatsQuery } from '../../admin/params.js';
import { SessionKeeper, newLoginToken, sameText } from '../../admin/session.js';
import { addSoftphoneRoutes } from '../../admin/softphone-routes.js';
import { loadStats } from '../../admin/stats-queries.js';
import { adminPage } from '../../admin/views/layout.js';
import { adminDisabledPage, loginPage, problemPage } from '../../admin/views/login-view.js';
import { adminCss } from '../../admin/views/styles.js';
import { SchedulingError } from '../../scheduling/scheduling-errors.js';

export type { AdminDependencies } from '../../admin/admin-dependencies.js';

const LOGIN_TOKEN_TTL_MS = 30 * 60_000;

/**
 * A state-changing form carries exactly the fields its page sends. Anything else (a `status`, a
 * `business_id`) means a forged or confused request, and is refused with 400 before it acts,
 * rather than ignored while the action goes ahead.
 */
function onlyFields(req: Request, allowed: readonly string[]): void {
  const extra = Object.keys((req.body ?? {}) as Record<string, unknown>).filter((field) => !allowed.includes(field));
  if (extra.length) throw new AdminInputError(`form: unknown field ${extra.join(', ')}`);
}

/**
 * No script runs on admin pages and nothing loads from elsewhere; they are never framed, cached
 * or sent as a Referer.
 */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy': "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  next();
};

/** `/admin`: the owner's pages and their JSON twins, behind ADMIN_PASSWORD. */
export function adminRoutes(deps: AdminDependencies): Router {
  const router = Router();
  router.use('/admin', securityHeaders);
  if (!deps.password) {
    router.use('/admin', (req, res) => {
      if (req.path.startsWith('/api/')) {
        res.status(503).json({ error: { code: 'admin_disabled', message: 'set ADMIN_PASSWORD and restart to enable the admin' } });
      } else {
        res.status(503).type('html').send(adminDisabledPage());
      }
    });
    return router;
  }

  const password = deps.password;
  const sessions = new SessionKeeper(password);
  const throttle = new LoginThrottle(deps.loginThrottle);
  const cookies: CookiePolicy = { secure: deps.secureCookies };
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

  const showLogin = (res: Response, status: number, next: string, error?: string) => {
    const loginToken = newLoginToken();
    setCookie(res, cookies, LOGIN_COOKIE, loginToken, LOGIN_TOKEN_TTL_MS);
    res.status(status).type('html').send(loginPage({ loginToken, next, ...(error ? { error } : {}) }));
  };

  router.get('/admin/assets/admin.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('css').send(adminCss);
  });

  router.get('/admin/login', (req, res) => {
    const next = safeNext(req.query.next);
    if (sessions.read(readCookie(req, SESSION_COOKIE))) return res.redirect(303, next);
    showLogin(res, 200, next);
  });

  router.post('/admin/login', form, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const address = req.ip ?? 'unknown';
    const waitMs = throttle.retryAfterMs(address);
    if (waitMs > 0) {
      const minutes = Math.ceil(waitMs / 60_000);
      res.set('Retry-After', String(Math.ceil(waitMs / 1000)));
      deps.logger.warn({ ip: address }, 'admin login throttled');
      return showLogin(res, 429, next, `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
    }
    const loginToken = readCookie(req, LOGIN_COOKIE);
    if (!loginToken || typeof body.csrf !== 'string' || !sameText(body.csrf, loginToken)) {
      return showLogin(res, 403, next, 'The login form had expired. Please enter the password again.');
    }
    if (typeof body.password !== 'string' || !sameText(body.password, password)) {
      throttle.recordFailure(address);
      deps.logger.warn({ ip: address }, 'admin login refused: wrong password');
      return showLogin(res, 401, next, 'Wrong password.');
    }
    throttle.recordSuccess(address);
    startSession(res, cookies, sessions);
    deps.logger.info({ ip: address }, 'admin logged in');
    res.redirect(303, next);
  });

  router.post('/admin/logout', form, (req, res) => {
    const session = requireSession(req, sessions);
    checkCsrf(req, session.csrfToken);
    onlyFields(req, ['csrf']);
    sessions.revoke(session);
    clearCookie(res, cookies, SESSION_COOKIE);
    res.redirect(303, '/admin/login');
  });

  router.post('/admin/bookings/:id/cancel', form, async (req, res) => {
    const session = requireSession(req, sessions);
    checkCsrf(req, session.csrfToken);
    onlyFields(req, ['csrf', 'back']);
    const id = parseId(req.params.id);
    try {
      await deps.bookings.cancel(id);
    } catch (error) {
      if (error instanceof SchedulingError && error.code === 'not_found') throw new AdminError(404, 'not_found', 'no such booking');
      throw error;
    }
    deps.logger.info({ bookingId: id }, 'booking cancelled from the admin');
    const back = safeNext((req.body as Record<string, unknown>).back);
    res.redirect(303, `${back}${back.includes('?') ? '&' : '?'}cancelled=1`);
  });

  router.get('/admin/api/stats', async (req, res) => {
    requireSession(req, sessions);
    const named = typeof req.query.business === 'string' ? [req.query.business] : deps.businesses.all().map((b) => b.id);
    const stats = [];
    for (const business of named) {
      stats.push(await loadStats(deps.dataSource, parseStatsQuery(deps.businesses, { ...req.query, business }, deps.now())));
    }
    res.json({ businesses: stats });
  });

  router.get('/admin/api/calls/:id', async (req, res) => {
    requireSession(req, sessions);
    const call = await loadCall(deps.dataSource, parseId(req.params.id));
    if (!call) throw new AdminError(404, 'not_found', 'no such call');
    res.json(call);
  });

  addSoftphoneRoutes(router, { deps, sessions, form, onlyFields });

  for (const [path, build] of Object.entries(adminPages)) {
    router.get(path, async (req, res) => {
      const session = sessions.read(readCookie(req, SESSION_COOKIE));
      if (!session) return res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
      const page = await build(deps, req, session.csrfToken);
      res.type('html').send(adminPage({ ...page, csrfToken: session.csrfToken }));
    });
  }

  router.use('/admin', adminErrors(deps));
  return router;
}

/** Admin failures as JSON under /admin/api and as a page elsewhere; unexpected ones are logged. */
function adminErrors(deps: AdminDependencies): ErrorRequestHandler {
  return (error, req: Request, res, _next) => {
    const known =
      error instanceof AdminError
        ? error
        : error instanceof AdminInputError
          ? new AdminError(400, 'invalid_parameters', error.message)
          : undefined;
    if (!known) deps.logger.error({ err: error, method: req.method, path: req.path }, 'admin request failed');
    if (res.headersSent) return;
    const status = known?.status ?? 500;
    const message = known?.message ?? 'something failed on our side; it was logged';
    if (req.originalUrl.startsWith('/admin/api/')) {
      res.status(status).json({ error: { code: known?.code ?? 'internal', message } });
      return;
    }
    if (status === 401) {
      res.redirect(303, '/admin/login');
      return;
    }
    const titles: Record<number, string> = { 400: 'That request was not understood', 403: 'Refused', 404: 'Not found', 500: 'Something went wrong' };
    res.status(status).type('html').send(problemPage(titles[status] ?? 'Refused', message));
  };
}
