import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { queuePrefixFor } from '../../src/jobs/queues.js';
import { listenForOutboxInserts } from '../../src/jobs/outbox-wakeup.js';
import { createDataSource } from '../../src/storage/data-source.js';
import { dropDatabase, ensureDatabase } from '../../src/storage/ensure-database.js';
import { createLogger } from '../../src/observability/logger.js';
import { redactCredentials } from '../../src/storage/redis.js';
import { TEST_POSTGRES } from '../support/database.js';

/**
 * A Postgres on the same host can be reached over its Unix socket, which skips the loopback TCP
 * stack on every query. `DATABASE_URL` names the socket's folder as the host, percent-encoded
 * (`postgres://postgres@%2Fvar%2Frun%2Fpostgresql/frontdesk`), and everything that reads the URL
 * (the pool, the database's creation, the outbox's LISTEN, the queue prefix, the logs) must
 * take it as it takes a TCP one.
 */
describe('DATABASE_URL on a Unix socket', () => {
  let socketUrl: string;
  before(async function () {
    const folder = await socketFolder();
    if (!folder) this.skip();
    socketUrl = `postgres://postgres@${encodeURIComponent(folder)}/frontdesk_test_socket_${randomBytes(6).toString('hex')}`;
  });

  it('creates the database, pools over the socket, listens for the outbox and names the queues', async () => {
    assert.equal(await ensureDatabase(socketUrl), true);
    const dataSource = createDataSource({ url: socketUrl, poolSize: 2 });
    try {
      await dataSource.initialize();
      const [row] = await dataSource.query('SELECT inet_client_addr() AS address, current_database() AS database');
      // No client address: the connection is a Unix socket, not TCP.
      assert.deepEqual(row, { address: null, database: new URL(socketUrl).pathname.slice(1) });

      // The listener wakes the relay once when it has connected, then on every NOTIFY.
      let woken = 0;
      const listener = listenForOutboxInserts({ databaseUrl: socketUrl, logger: createLogger({ level: 'silent' }), wake: () => (woken += 1) });
      try {
        await waitFor(() => woken === 1);
        await dataSource.query('NOTIFY outbox');
        await waitFor(() => woken === 2);
      } finally {
        await listener.stop();
      }

      assert.equal(queuePrefixFor(socketUrl), `frontdesk-${new URL(socketUrl).pathname.slice(1)}`);
      assert.match(redactCredentials(socketUrl.replace('postgres@', 'postgres:secret@')), /postgres:\*\*\*@%2F/);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropDatabase(socketUrl);
    }
  });
});

/** The server's first socket folder, or undefined when it listens on TCP only or on another host. */
async function socketFolder(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: `${TEST_POSTGRES}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query<{ unix_socket_directories: string }>('SHOW unix_socket_directories');
    const folder = rows[0]?.unix_socket_directories.split(',')[0]?.trim();
    return folder && existsSync(folder) ? folder : undefined;
  } finally {
    await client.end();
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
