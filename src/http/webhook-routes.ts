import type { NextFunction, Request, RequestHandler, Response } from 'express';

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
