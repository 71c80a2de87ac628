import assert from 'node:assert/strict';
import { exampleBusinesses } from '../support/businesses.js';
import { signedPost, sid, startTestFrontdesk, type TestFrontdesk } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';
import { textThread } from '../support/text-thread.js';

const { salon } = exampleBusinesses();

describe('POST /twilio/message-status', () => {
  let app: TestFrontdesk;
  before(async () => {
    app = await startTestFrontdesk();
  });
  after(async () => app.close());

  /** An outbound text as the text worker records it once Twilio has accepted it. */
  async function sentText(): Promise<{ messageSid: string; phone: string }> {
    const phone = nextPhone();
    await textThread(app, { from: phone, to: salon.messaging.smsFrom! }).send('hello');
    const messageSid = sid('SM');
    await app.db.dataSource.query(
      `INSERT INTO messages (business_id, customer_id, channel, direction, message_sid, from_address, to_address, body, status)
       SELECT $1, id, 'sms', 'outbound', $2, $3, phone, 'Your booking is confirmed', 'queued' FROM customers WHERE phone = $4`,
      [salon.id, messageSid, salon.messaging.smsFrom, phone],
    );
    return { messageSid, phone };
  }

  const callback = (messageSid: string, MessageStatus: string, extra: Record<string, string> = {}) =>
    signedPost(app, '/twilio/message-status', { MessageSid: messageSid, MessageStatus, ...extra });

  async function statusOf(messageSid: string): Promise<{ status: string; error_code: string | null }> {
    const [row] = await app.db.dataSource.query(`SELECT status, error_code FROM messages WHERE message_sid = $1`, [messageSid]);
    return row;
  }

  it('moves the status only forward, whatever order and however often callbacks arrive', async () => {
    const { messageSid } = await sentText();
    for (const status of ['sent', 'sending', 'delivered', 'sent', 'delivered', 'undelivered', 'queued']) {
      assert.equal((await callback(messageSid, status)).status, 204);
    }
    assert.deepEqual(await statusOf(messageSid), { status: 'delivered', error_code: null });
    await callback(messageSid, 'read');
    assert.equal((await statusOf(messageSid)).status, 'read');
  });

  it('keeps the error code and opts out a customer the carrier reports as unsubscribed (21610)', async () => {
    const { messageSid, phone } = await sentText();
    await callback(messageSid, 'failed', { ErrorCode: '21610' });
    assert.deepEqual(await statusOf(messageSid), { status: 'failed', error_code: '21610' });
    const [customer] = await app.db.dataSource.query(`SELECT opted_out_at FROM customers WHERE phone = $1`, [phone]);
    assert.ok(customer.opted_out_at, 'opted out');
  });

  it('ignores callbacks for messages it does not know, and refuses an unknown status with 400', async () => {
    assert.equal((await callback(sid('SM'), 'delivered')).status, 204);
    assert.equal((await callback(sid('SM'), 'teleported')).status, 400);
  });
});
