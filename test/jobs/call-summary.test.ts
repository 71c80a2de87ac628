import assert from 'node:assert/strict';
import { BusinessDirectory } from '../../src/config/business-directory.js';
import { composeCallSummary } from '../../src/jobs/call-summary.js';
import { exampleBusinesses } from '../support/businesses.js';
import { signedPost, sid, startTestFrontdesk, type TestFrontdesk } from '../support/frontdesk.js';

const { salon, dental } = exampleBusinesses();
const now = new Date('2026-12-07T14:00:00Z'); // Monday 09:00 in New York

describe('the summary of a call, emailed to the business', () => {
  let app: TestFrontdesk;
  before(async () => {
    app = await startTestFrontdesk({}, 'web', { now: () => now });
  });
  after(async () => app.close());

  async function bookedCall(): Promise<string> {
    const callSid = sid('CA');
    const call = { CallSid: callSid, To: salon.phoneNumbers[0]!, From: '+12125550123' };
    await signedPost(app, '/twilio/voice', call);
    await signedPost(app, '/twilio/voice/gather?turn=1', { ...call, SpeechResult: 'a haircut on friday at 3 pm' });
    await signedPost(app, '/twilio/voice/gather?turn=2', { ...call, SpeechResult: 'yes please' });
    await signedPost(app, '/twilio/voice/status', { CallSid: callSid, CallStatus: 'completed', CallDuration: '94' });
    return callSid;
  }

  it('is queued once when the call ends, a little later, and composed from the stored call', async () => {
    const callSid = await bookedCall();
    await signedPost(app, '/twilio/voice/status', { CallSid: callSid, CallStatus: 'completed', CallDuration: '94' });
    const rows = await app.db.dataSource.query(
      `SELECT o.id, o.available_at > o.created_at AS delayed FROM outbox o JOIN calls c ON o.payload->>'callId' = c.id::text
        WHERE o.kind = 'call-summary' AND c.call_sid = $1`,
      [callSid],
    );
    assert.equal(rows.length, 1, 'one summary, however often Twilio reports the end');
    assert.equal(rows[0].delayed, true);

    assert.equal(await composeCallSummary(app.db.dataSource, new BusinessDirectory([salon, dental]), rows[0].id), 'composed');
    const [mail] = await app.db.dataSource.query(`SELECT payload FROM outbox WHERE kind = 'email' AND dedupe_key = $1`, [`${rows[0].id}:email`]);
    assert.equal(mail.payload.to, salon.teamEmail);
    assert.equal(mail.payload.subject, 'Call from +12125550123: booked');
    assert.match(mail.payload.text, /^\+12125550123 called on \w{3} \d{1,2} \w{3} \d\d:\d\d, 1 min 34 s and booked an appointment\.\n/);
    assert.match(mail.payload.text, /They said:\n- a haircut on friday at 3 pm\n- yes please\n/);
    assert.match(mail.payload.text, /Receptionist: You're booked for Friday the 11th at 3 pm\./);
    assert.equal(await composeCallSummary(app.db.dataSource, new BusinessDirectory([salon, dental]), rows[0].id), 'skipped', 'once');
  });

  it('is cancelled when the business has no teamEmail', async () => {
    const callSid = await bookedCall();
    const [row] = await app.db.dataSource.query(
      `SELECT o.id FROM outbox o JOIN calls c ON o.payload->>'callId' = c.id::text WHERE o.kind = 'call-summary' AND c.call_sid = $1`,
      [callSid],
    );
    const withoutEmail = new BusinessDirectory([{ ...salon, teamEmail: undefined }, dental]);
    assert.equal(await composeCallSummary(app.db.dataSource, withoutEmail, row.id), 'skipped');
    const [after] = await app.db.dataSource.query(`SELECT status, last_error FROM outbox WHERE id = $1`, [row.id]);
    assert.deepEqual(after, { status: 'cancelled', last_error: 'the business has no teamEmail' });
  });
});
