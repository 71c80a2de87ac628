import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from './errors.js';

export interface IpRateLimitOptions {
  /** Requests one address may make per window (default 600: Twilio's own webhooks come from a few addresses). */
  requestsPerWindow?: number;
  /** Window length in seconds (default 60). */
  windowSeconds?: number;
  keyPrefix?: string;
}

/**
 * Caps requests per client address on a route, shared between web processes through Redis (in
 * memory while Redis is down). Over the cap: 429 with Retry-After, before the signature is even
 * checked, so a flood costs one Redis call per request.
 */
export function ipRateLimit(redis: Redis, options: IpRateLimitOptions = {}): RequestHandler {
  const points = options.requestsPerWindow ?? 600;
  const duration = options.windowSeconds ?? 60;
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: options.keyPrefix ?? 'frontdesk:ip-rate',
    points,
    duration,
    insuranceLimiter: new RateLimiterMemory({ points, duration }),
  });
  return async (req, res, next) => {
    try {
      await limiter.consume(req.ip ?? 'unknown');
      next();
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) {
        next(refusal);
        return;
      }
      res.setHeader('Retry-After', String(Math.ceil(refusal.msBeforeNext / 1000)));
      next(new HttpError('rate_limited', 'too many requests from this address; try again later'));
    }
  };
}
