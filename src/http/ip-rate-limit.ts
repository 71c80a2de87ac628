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
 * How long this process trusts its last reading of an address's refusals before asking Redis
 * again: genuine webhooks — nearly all of them, from a few Twilio addresses — cost no Redis round
 * trip, and refusals counted by other processes reach this one within this time.
 */
const READING_TTL_MS = 1000;
/** Addresses whose readings are kept; past it they start afresh (a flood of addresses costs Redis reads, nothing more). */
const MAX_READINGS = 10_000;

/** What this process knows of an address's refusals. */
interface Reading {
  refused: number;
  /** When Redis's window for the address ends (epoch ms); 0 when it has none. */
  resetsAt: number;
  readAt: number;
}

/**
 * Cuts off an address that keeps sending webhooks we refuse (bad or missing signatures): after
 * the cap, its requests get 429 with Retry-After before any signature is computed. Only refusals
 * count — genuine Twilio requests never do, because Twilio does not retry a text webhook and a
 * 429 would lose the customer's message. Shared between web processes through Redis (in memory
 * while Redis is down); each process reads an address's count at most once a second and counts
 * its own refusals at once.
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
  const readings = new Map<string, Reading>();
  const remember = (address: string, refused: number, msBeforeNext: number | undefined): Reading => {
    if (readings.size >= MAX_READINGS && !readings.has(address)) readings.clear();
    const readAt = Date.now();
    const reading = { refused, resetsAt: msBeforeNext === undefined ? 0 : readAt + msBeforeNext, readAt };
    readings.set(address, reading);
    return reading;
  };
  const isFresh = (reading: Reading, now: number): boolean =>
    now - reading.readAt < READING_TTL_MS && (reading.resetsAt === 0 || now < reading.resetsAt);

  return async (req, res, next) => {
    const address = req.ip ?? 'unknown';
    let reading = readings.get(address);
    if (!reading || !isFresh(reading, Date.now())) {
      try {
        const seen = await limiter.get(address);
        reading = remember(address, seen?.consumedPoints ?? 0, seen?.msBeforeNext);
      } catch (error) {
        // Fail open: a counter we cannot read must not cost a customer their text.
        req.log?.warn({ err: error }, 'could not read refused webhooks for an address; letting the request through');
        reading = undefined;
      }
    }
    if (reading && reading.refused >= points) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil((reading.resetsAt - Date.now()) / 1000))));
      next(new HttpError('rate_limited', 'too many refused requests from this address; try again later'));
      return;
    }
    res.on('finish', () => {
      if (res.statusCode !== 403) return;
      // Counted here at once, so this process's next request from the address sees it.
      const known = readings.get(address);
      if (known) known.refused += 1;
      limiter.penalty(address).then(
        (counted) => remember(address, counted.consumedPoints, counted.msBeforeNext),
        (error: unknown) => req.log?.warn({ err: error }, 'could not count a refused webhook against its address'),
      );
    });
    next();
  };
}
