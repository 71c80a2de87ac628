import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { HttpError } from './errors.js';

export interface IpRateLimitOptions {
  /** Refused (forged or unsigned) requests one address may make per window before it is cut off (default 300). */
  requestsPerWindow?: number;
  /** Window length in seconds (default 60). */
  windowSeconds?: number;
  keyPrefix?: string;
}

/**
 * Cuts off an address that keeps sending webhooks we refuse (bad or missing signatures): after
 * the cap, its requests get 429 with Retry-After before any signature is computed. Only refusals
 * count — genuine Twilio requests never do, because Twilio does not retry a text webhook and a
 * 429 would lose the customer's message. Shared between web processes through Redis (in memory
 * while Redis is down).
 */
export function ipRateLimit(redis: Redis, options: IpRateLimitOptions = {}): RequestHandler {
  const points = options.requestsPerWindow ?? 300;
  const duration = options.windowSeconds ?? 60;
  const limiter: RateLimiterAbstract = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: options.keyPrefix ?? 'frontdesk:ip-refusals',
    points,
    duration,
    insuranceLimiter: new RateLimiterMemory({ points, duration }),
  });
  return async (req, res, next) => {
    const address = req.ip ?? 'unknown';
    let seen;
    try {
      seen = await limiter.get(address);
    } catch (error) {
      // Fail open: a counter we cannot read must not cost a customer their text.
      req.log?.warn({ err: error }, 'could not read refused webhooks for an address; letting the request through');
    }
    if (seen && seen.consumedPoints >= points) {
      res.setHeader('Retry-After', String(Math.ceil(seen.msBeforeNext / 1000)));
      next(new HttpError('rate_limited', 'too many refused requests from this address; try again later'));
      return;
    }
    res.on('finish', () => {
      if (res.statusCode !== 403) return;
      limiter.penalty(address).then(
        () => undefined,
        (error: unknown) => req.log?.warn({ err: error }, 'could not count a refused webhook against its address'),
      );
    });
    next();
  };
}
