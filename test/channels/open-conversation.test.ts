import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openConversation, openConversationFor } from '../../src/channels/conversation-store.js';
import { IdempotencyLedger } from '../../src/resilience/idempotency-ledger.js';
import { exampleBusinesses } from '../support/businesses.js';
import { startTestFrontdesk, type TestFrontdesk } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';

/** A text's conversation is opened in the statement that also asks the ledger whether the text was answered. */
describe('opening a text conversation for a webhook event', () => {
  const { salon } = exampleBusinesses();
  let app: TestFrontdesk;
  let ledger: IdempotencyLedger;

  before(async () => {
    app = await startTestFrontdesk();
    ledger = new IdempotencyLedger(app.db.dataSource);
  });
  after(async () => app.close());

  const event = () => ({ provider: 'twilio', eventId: `sms:SM${randomBytes(16).toString('hex')}` });

  it('opens the same conversation as openConversation, with no answer for a new event', async () => {
    const key = { businessId: salon.id, phone: nextPhone(), channel: 'sms' as const };
    const opened = await openConversationFor(app.db.dataSource, key, event());
    assert.equal(opened.answered, undefined);
    assert.deepEqual(await openConversation(app.db.dataSource, key), opened.conversation);
  });

  it("gives the ledger's stored answer for an event answered before", async () => {
    const key = { businessId: salon.id, phone: nextPhone(), channel: 'sms' as const };
    const answeredEvent = event();
    const response = { status: 200, contentType: 'text/xml', body: '<Response><Message>first</Message></Response>' };
    await ledger.onceInOneStatement({ ...answeredEvent, route: '/twilio/sms', params: {} }, { response, steps: () => [] });

    const opened = await openConversationFor(app.db.dataSource, key, answeredEvent);
    assert.deepEqual(opened.answered, response);
    assert.equal((await openConversationFor(app.db.dataSource, key, event())).answered, undefined, 'another event of the same conversation was not');
  });
});
