import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { jsonBody, startTestFrontdesk } from '../support/frontdesk.js';

/** A port nothing listens on: bind one, note it, release it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('GET /health', () => {
  it('is 200 with every vendor reported when Postgres and Redis answer', async () => {
    const app = await startTestFrontdesk({ OPENAI_API_KEY: 'sk-test' });
    try {
      const response = await fetch(`${app.url}/health`);
      assert.equal(response.status, 200);
      const body = await jsonBody(response);
      assert.equal(body.status, 'ok');
      assert.equal(body.checks.postgres.ok, true);
      assert.equal(body.checks.redis.ok, true);
      assert.deepEqual(body.vendors, {
        twilio: 'local',
        deepgram: 'local',
        elevenlabs: 'local',
        openai: 'configured',
        google: 'local',
        smtp: 'local',
      });
    } finally {
      await app.close();
    }
  });

  it('is 503 naming Redis when REDIS_URL points at a closed port, and the process stays up', async () => {
    const app = await startTestFrontdesk({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    try {
      for (let i = 0; i < 3; i += 1) {
        const response = await fetch(`${app.url}/health`);
        assert.equal(response.status, 503);
        const body = await jsonBody(response);
        assert.equal(body.status, 'unavailable');
        assert.equal(body.checks.redis.ok, false);
        assert.equal(body.checks.postgres.ok, true);
      }
    } finally {
      await app.close();
    }
  });
});
