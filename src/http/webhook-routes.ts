import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from 'express';

import { HttpError } from './errors.js';

/**
 * The webhook routes (`POST` to a fixed path), found with one map look-up instead of Express's
 * walk over every router and route in turn (its matching and dispatch were ~10 % of an SMS
 * webhook's JavaScript). The handlers are ordinary Express middleware and behave as on a
 * router: `next()` goes on, `next(error)` or a rejected promise goes to the error handler.
 */
export class WebhookRoutes {
  readonly #routes = new Map<string, readonly RequestHandler[]>();

  post(path: string, ...handlers: RequestHandler[]): void {
    const key = routeKey(path);
    if (this.#routes.has(key)) throw new Error(`webhook route ${path} is registered twice`);
    this.#routes.set(key, handlers);
  }

  /** The middleware answering the routes; anything else passes through untouched. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const handlers = req.method === 'POST' ? this.#routes.get(routeKey(req.path)) : undefined;
      if (!handlers) {
        next();
        return;
      }
      runHandlers(handlers, req, res, next);
    };
  }

  /**
   * The request listener for node's server: a webhook is dispatched here, anything else goes to
   * `app` (where `middleware()` answers the webhooks too, for a URL this does not take apart, such
   * as an absolute one). Express's own dispatch — a final handler made per request, the router's
   * walk over its layers, path matching and the fields it saves and restores — was ~5 % of a call
   * webhook's JavaScript. A webhook still gets what Express gives every request before its routes
   * (the app's `req`/`res` prototypes: `req.ip` with the app's proxy settings, `res.status`,
   * `req.originalUrl`), then `before` (the request log) and its handlers; an error goes to
   * `onError`, the app's error handler.
   */
  listener(app: Express, before: RequestHandler | undefined, onError: ErrorRequestHandler): (req: IncomingMessage, res: ServerResponse) => void {
    const poweredBy = app.enabled('x-powered-by');
    return (incoming, outgoing) => {
      const handlers = incoming.method === 'POST' ? this.#routes.get(routeKey(pathOf(incoming.url ?? ''))) : undefined;
      if (!handlers) {
        app(incoming, outgoing);
        return;
      }
      const req = asExpressRequest(app, incoming, outgoing);
      const res = req.res!;
      if (poweredBy) res.setHeader('X-Powered-By', 'Express');
      const failed = (error?: unknown): void => {
        // The handlers never pass a webhook on; one that did would find no other route.
        onError(error ?? new HttpError('not_found', `no route for ${req.method} ${req.path}`), req, res, () => undefined);
      };
      const run = () => runHandlers(handlers, req, res, failed);
      if (!before) {
        run();
        return;
      }
      try {
        before(req, res, (error?: unknown) => (error === undefined ? run() : failed(error)));
      } catch (thrown) {
        failed(thrown);
      }
    };
  }
}

/** The path of a request target in origin form (`/twilio/sms?x=1`); anything else is not a webhook path. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** What `app.handle` and its router set on every request before the first middleware runs. */
function asExpressRequest(app: Express, incoming: IncomingMessage, outgoing: ServerResponse): Request {
  Object.setPrototypeOf(incoming, app.request);
  Object.setPrototypeOf(outgoing, app.response);
  const req = incoming as Request;
  const res = outgoing as Response;
  req.res = res;
  res.req = req;
  res.locals ??= Object.create(null) as Response['locals'];
  req.baseUrl = '';
  req.originalUrl = req.url;
  req.params = {};
  return req;
}

/**
 * Paths match as an Express router matches them: whatever the case, with or without one trailing
 * slash (a webhook URL configured as `/twilio/sms/` worked before and must keep working).
 */
function routeKey(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

function runHandlers(handlers: readonly RequestHandler[], req: Request, res: Response, done: NextFunction): void {
  let index = 0;
  const next = (error?: unknown): void => {
    if (error !== undefined) {
      done(error);
      return;
    }
    const handler = handlers[index++];
    if (!handler) {
      done();
      return;
    }
    try {
      const result: unknown = handler(req, res, next);
      if (result instanceof Promise) result.catch((rejection: unknown) => next(rejection ?? new Error('webhook handler rejected')));
    } catch (thrown) {
      next(thrown);
    }
  };
  next();
}
