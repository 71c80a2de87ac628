import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { parseEnv } from '../../src/config/env.js';
import { errorHandler } from '../../src/http/errors.js';
import { ipRateLimit } from '../../src/http/ip-rate-limit.js';
import { createLogger } from '../../src/observability/logger.js';

/**
 * Two web processes' per-address caps on one Redis: each reads an address's refusals at most
 * once a second (genuine webhooks cost no Redis round trip), counts its own refusals at once,
 * and sees the other's within a second.
 */
describe('the per-address cap on refused webhooks, across processes', () => {
  let redis: Redis;
  const servers: Server[] = [];
  const keyPrefix = `frontdesk-test:${randomBytes(6).toString('hex')}:ip`;

  /** A process: `/forged` is refused (403), anything else answered. */
  async function webProcess(): Promise<(path: string) => Promise<number>> {
    const app = express();
    app.use(ipRateLimit(redis, { requestsPerWindow: 3, keyPrefix }));
    app.post('/forged', (_req, res) => void res.status(403).end());
    app.post('/ok', (_req, res) => void res.status(200).end());
    app.use(errorHandler(createLogger({ level: 'silent' })));
    const server = app.listen(0, '127.0.0.1');
    servers.push(server);
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return async (path) => (await fetch(`${origin}${path}`, { method: 'POST' })).status;
  }

  before(async () => {
    redis = new Redis(parseEnv().REDIS_URL, { lazyConnect: true });
    await redis.connect();
  });
  after(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await redis.quit();
  });

  it("cuts an address off at once in the process that refused it, and in another within a second", async () => {
    const first = await webProcess();
    const second = await webProcess();
    assert.equal(await second('/ok'), 200, 'the second process reads the address: no refusals yet');
    assert.deepEqual([await first('/forged'), await first('/forged'), await first('/forged'), await first('/ok')], [403, 403, 403, 429]);
    // (Until its reading is a second old, the second process may still answer: not asserted, it is timing.)
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await second('/ok'), 429, 'read again after a second');
  });
});
