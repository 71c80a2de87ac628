import assert from 'node:assert/strict';
import pg from 'pg';
import { exampleBusinesses } from '../support/businesses.js';
import { TEST_POSTGRES } from '../support/database.js';
import { sid, signedPost, startTestFrontdesk, type TestFrontdesk } from '../support/frontdesk.js';

/** Makes the app's database refuse every connection (superusers included) and drops live ones. */
async function setDatabaseReachable(databaseUrl: string, reachable: boolean): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: `${TEST_POSTGRES}/postgres` });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(name)} ALLOW_CONNECTIONS ${reachable}`);
    if (!reachable) await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
  } finally {
    await admin.end();
  }
}

describe('POST /twilio/voice while Postgres is down', () => {
  let app: TestFrontdesk;
  const { salon } = exampleBusinesses();

  before(async () => {
    app = await startTestFrontdesk();
  });
  after(async () => {
    await setDatabaseReachable(app.db.url, true);
    await app.close();
  });

  it('hands the caller to the business by <Dial>, records nothing, and recovers without a restart', async () => {
    assert.ok(salon.forwardingNumber, 'the salon example has a forwarding number');
    await setDatabaseReachable(app.db.url, false);
    const callSid = sid('CA');
    const started = Date.now();
    const response = await signedPost(app, '/twilio/voice', { CallSid: callSid, From: '+12125550123', To: salon.phoneNumbers[0]! });
    assert.equal(response.status, 200, 'Twilio must get TwiML, never an error tone');
    const twiml = await response.text();
    assert.match(twiml, new RegExp(`<Dial>\\${salon.forwardingNumber}</Dial>`));
    assert.ok(Date.now() - started < 10_000, 'answered well inside Twilio\'s 15 s');

    const health = await fetch(`${app.url}/health`);
    assert.equal(health.status, 503);

    await setDatabaseReachable(app.db.url, true);
    const retried = await signedPost(app, '/twilio/voice', { CallSid: callSid, From: '+12125550123', To: salon.phoneNumbers[0]! });
    assert.match(await retried.text(), /<Gather/, 'the retry is served normally: nothing was stored for the failed attempt');
    const [row] = await app.db.dataSource.query('SELECT count(*)::int AS n FROM calls WHERE call_sid = $1', [callSid]);
    assert.equal(row.n, 1);
  });
});
