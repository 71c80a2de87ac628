import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * What a customer's next text may do: be answered, get the one "please slow down" reply of this
 * window, or be kept without a reply (so a flood does not become a bill for the business).
 */
export type TextAllowance = 'answer' | 'ask-to-wait' | 'keep-quiet';

export interface TextRateLimit {
  allowance(businessId: string, phone: string): Promise<TextAllowance>;
}

export interface TextRateLimitOptions {
  /** Texts one number may send one business per window (default 10). */
  messagesPerWindow?: number;
  /** Window length in seconds (default 60). */
  windowSeconds?: number;
  /** Key prefix in Redis, so tests can use their own (default `frontdesk:text-rate`). */
  keyPrefix?: string;
}

/**
 * Per-number limits shared by every web process through Redis. When Redis is unreachable, each
 * process counts in memory instead (the library's insurance limiter): limits stay in force,
 * only less precisely, and no text goes unanswered because Redis is down.
 */
export function createTextRateLimit(redis: Redis, options: TextRateLimitOptions = {}): TextRateLimit {
  const points = options.messagesPerWindow ?? 10;
  const duration = options.windowSeconds ?? 60;
  const limiter: RateLimiterAbstract = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: options.keyPrefix ?? 'frontdesk:text-rate',
    points,
    duration,
    insuranceLimiter: new RateLimiterMemory({ points, duration }),
  });
  return {
    async allowance(businessId, phone) {
      // The number is hashed so Redis never holds it in the clear.
      const key = createHash('sha256').update(`${businessId}:${phone}`).digest('hex');
      try {
        await limiter.consume(key);
        return 'answer';
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        return refusal.consumedPoints === points + 1 ? 'ask-to-wait' : 'keep-quiet';
      }
    },
  };
}
