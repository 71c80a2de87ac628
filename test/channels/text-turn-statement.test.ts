import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { textTurnStatement, type PreparedTextTurn } from '../../src/channels/inbound-text.js';
import { openConversation, type StoredConversation } from '../../src/channels/conversation-store.js';
import { newDialogState } from '../../src/dialog/policy/dialog-state.js';
import { IdempotencyLedger, type LedgerOutcome } from '../../src/resilience/idempotency-ledger.js';
import { asConcurrentUpdate, ConcurrentUpdate } from '../../src/storage/concurrent-update.js';
import { exampleBusinesses } from '../support/businesses.js';
import { startTestFrontdesk, type TestFrontdesk } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';

/**
 * A text turn is saved in the ledger's statement, which aborts itself when the conversation's
 * version moved on (`refuse_stale_write`). Two turns
 * prepared on the same version of a conversation, as two web processes would prepare them
 * (one process runs a conversation's turns one at a time, so this cannot be forced over HTTP):
 * the second must keep nothing, so that it runs again on fresh state.
 */
describe('a text turn saved in the ledger statement', () => {
  const { salon } = exampleBusinesses();
  let app: TestFrontdesk;
  let ledger: IdempotencyLedger;

  before(async () => {
    app = await startTestFrontdesk();
    ledger = new IdempotencyLedger(app.db.dataSource);
  });
  after(async () => app.close());

  function turn(phone: string, conversation: StoredConversation, reply: string): PreparedTextTurn {
    const inbound = { messageSid: `SM${randomBytes(16).toString('hex')}`, channel: 'sms' as const, from: phone, to: salon.phoneNumbers[0]!, body: 'hello', mediaCount: 0 };
    return { inbound, at: new Date(), business: salon, conversation, state: { ...newDialogState(), lastPrompt: reply }, reply };
  }

  /** Saves like `/twilio/sms`: the statement, its refusal as `ConcurrentUpdate`. */
  async function save(prepared: PreparedTextTurn): Promise<LedgerOutcome> {
    const { twiml, steps } = textTurnStatement(prepared);
    const key = { provider: 'twilio', eventId: `sms:${prepared.inbound.messageSid}`, route: '/twilio/sms', params: { MessageSid: prepared.inbound.messageSid } };
    try {
      return await ledger.onceInOneStatement(key, { response: { status: 200, contentType: 'text/xml', body: twiml }, steps });
    } catch (error) {
      throw asConcurrentUpdate(error);
    }
  }

  async function kept(messageSid: string): Promise<{ messages: number; events: number }> {
    const [row] = await app.db.dataSource.query(
      `SELECT (SELECT count(*) FROM messages WHERE conversation_id IN (SELECT conversation_id FROM messages WHERE message_sid = $1))::int AS messages,
              (SELECT count(*) FROM webhook_events WHERE event_id = 'sms:' || $1)::int AS events`,
      [messageSid],
    );
    return row;
  }

  it('keeps the first turn whole and nothing of a turn prepared on the version the first replaced', async () => {
    const phone = nextPhone();
    const conversation = await openConversation(app.db.dataSource, { businessId: salon.id, phone, channel: 'sms' });
    const first = turn(phone, conversation, 'first reply');
    const second = turn(phone, conversation, 'second reply');

    const saved = await save(first);
    assert.equal(saved.replayed, false);
    assert.match(saved.response.body, /first reply/);
    assert.deepEqual(await kept(first.inbound.messageSid), { messages: 2, events: 1 }, 'the inbound message and the reply');

    await assert.rejects(save(second), (error) => error instanceof ConcurrentUpdate && /the conversation/.test(error.message));
    const [{ n }] = await app.db.dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE message_sid = $1`, [second.inbound.messageSid]);
    assert.equal(n, 0, 'the second inbound message is not kept');
    assert.equal(await ledger.find({ provider: 'twilio', eventId: `sms:${second.inbound.messageSid}` }), undefined, 'nor its answer');
    const replayed = await save(first);
    assert.deepEqual([replayed.replayed, replayed.response.body], [true, saved.response.body], 'a replay of the first, whose version is now old too, gets its answer');
    assert.deepEqual(await kept(first.inbound.messageSid), { messages: 2, events: 1 }, 'and keeps nothing more');

    const reopened = await openConversation(app.db.dataSource, { businessId: salon.id, phone, channel: 'sms' });
    assert.equal(reopened.version, conversation.version + 1);
    assert.equal((reopened.state as { lastPrompt?: string }).lastPrompt, 'first reply');
    assert.equal((await save(turn(phone, reopened, 'second reply, again'))).replayed, false, 'run again on fresh state, it is kept');
  });
});
