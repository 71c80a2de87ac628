import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { AdminDependencies } from './admin-dependencies.js';
import { AdminError, SESSION_COOKIE, checkCsrf, readCookie, requireSession } from './admin-auth.js';
import { AdminInputError } from './params.js';
import type { SessionKeeper } from './session.js';
import type { SoftphoneDependencies } from './softphone.js';
import { mintSoftphoneToken } from './softphone-token.js';
import { adminPage } from './views/layout.js';
import { softphoneContent } from './views/softphone-view.js';

export interface SoftphoneRouteContext {
  deps: AdminDependencies;
  sessions: SessionKeeper;
  /** The admin's urlencoded body parser. */
  form: RequestHandler;
  /** Refuses a POST with fields its page never sends. */
  onlyFields(req: Request, allowed: readonly string[]): void;
}

/** Admin pages run no script; this one must, so it alone may load scripts from our origin. */
function softphoneCsp(twilio: boolean): string {
  const connect = twilio ? "'self' https://*.twilio.com wss://*.twilio.com" : "'self'";
  const media = twilio ? "'self' blob: https://sdk.twilio.com" : "'self' blob:";
  return `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ${connect}; media-src ${media}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;
}

/**
 * The page's files, read once at start so a missing one fails the start, not a call. The static
 * folder sits next to this module (the image copies it beside the compiled code); the Voice SDK's
 * browser bundle comes from its package (whose `exports` hide `dist/`, hence the path from `main`).
 */
function loadAssets(): Map<string, { type: string; body: Buffer }> {
  const folder = join(dirname(fileURLToPath(import.meta.url)), 'static');
  const assets = new Map<string, { type: string; body: Buffer }>();
  for (const name of ['softphone.js', 'softphone-audio.js', 'softphone-capture.js']) {
    assets.set(name, { type: 'text/javascript', body: readFileSync(join(folder, name)) });
  }
  assets.set('softphone.css', { type: 'text/css', body: readFileSync(join(folder, 'softphone.css')) });
  const sdkMain = createRequire(import.meta.url).resolve('@twilio/voice-sdk');
  assets.set('twilio-voice-sdk.js', { type: 'text/javascript', body: readFileSync(join(dirname(sdkMain), '..', 'dist', 'twilio.min.js')) });
  return assets;
}

function softphoneOf(deps: AdminDependencies): SoftphoneDependencies {
  if (!deps.softphone) throw new AdminError(404, 'not_found', 'the softphone is not part of this process; it runs in the web role');
  return deps.softphone;
}

function jsonError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** `/admin/softphone`: the page, its files, placing a local call and the Voice SDK's token. */
export function addSoftphoneRoutes(router: Router, context: SoftphoneRouteContext): void {
  const { deps, sessions } = context;
  const assets = loadAssets();

  router.get('/admin/softphone/assets/:file', (req, res) => {
    const asset = assets.get(req.params.file);
    if (!asset) throw new AdminError(404, 'not_found', 'no such softphone file');
    res.set('Cache-Control', 'public, max-age=300').type(asset.type).send(asset.body);
  });

  router.get('/admin/softphone', (req, res) => {
    const session = sessions.read(readCookie(req, SESSION_COOKIE));
    if (!session) return res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
    const softphone = softphoneOf(deps);
    const content = softphoneContent({
      businesses: deps.businesses.all().map((business) => ({ id: business.id, name: business.name, phoneNumber: business.phoneNumbers[0]! })),
      csrfToken: session.csrfToken,
      localUnavailable: softphone.localUnavailable,
      twilioReady: softphone.twilio !== undefined,
      twilioMissing: softphone.twilioMissing,
    });
    res.set('Content-Security-Policy', softphoneCsp(softphone.twilio !== undefined));
    res.type('html').send(adminPage({ title: 'Softphone', section: 'softphone', csrfToken: session.csrfToken, content }));
  });

  router.post('/admin/api/softphone/calls', context.form, async (req, res) => {
    const session = requireSession(req, sessions);
    checkCsrf(req, session.csrfToken);
    context.onlyFields(req, ['csrf', 'business']);
    const softphone = softphoneOf(deps);
    const businessId: unknown = (req.body as Record<string, unknown>).business;
    const business = typeof businessId === 'string' ? deps.businesses.get(businessId) : undefined;
    if (!business) throw new AdminInputError('business: expected the id of one of the businesses');
    if (softphone.localUnavailable) return jsonError(res, 503, 'stream_mode_unavailable', softphone.localUnavailable);
    const placement = await softphone.place(business);
    if ('unavailable' in placement) {
      deps.logger.warn({ reason: placement.unavailable }, 'softphone call refused: stream mode unavailable');
      return jsonError(res, 503, 'stream_mode_unavailable', `this call cannot use a media stream right now (${placement.unavailable}); try again in a minute`);
    }
    deps.logger.info({ callSid: placement.placed.callSid, businessId: business.id }, 'softphone call placed');
    res.status(201).json(placement.placed);
  });

  router.get('/admin/softphone/token', (req, res) => {
    if (!sessions.read(readCookie(req, SESSION_COOKIE))) return jsonError(res, 401, 'unauthorized', 'log in at /admin/login first');
    const settings = softphoneOf(deps).twilio;
    if (!settings) {
      return jsonError(res, 404, 'softphone_not_configured', 'set TWILIO_ACCOUNT_SID, TWILIO_API_KEY, TWILIO_API_SECRET and TWILIO_TWIML_APP_SID and restart');
    }
    res.json(mintSoftphoneToken(settings));
  });
}
