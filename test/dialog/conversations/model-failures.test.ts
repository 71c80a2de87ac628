import assert from 'node:assert/strict';
import { startFakeOpenAI, type FakeOpenAI } from '../../fakes/openai.js';
import { exampleBusinesses } from '../../support/businesses.js';
import { startTestFrontdesk, type TestFrontdesk } from '../../support/frontdesk.js';
import { nextPhone } from '../../support/scheduling.js';
import { textThread } from '../../support/text-thread.js';

const { salon } = exampleBusinesses();
const now = new Date('2026-12-07T14:00:00Z'); // Monday 09:00 in New York
/** The rules are unsure of this one, so the model is asked. */
const UNSURE = 'well my cousin said that thing you do with the colours was nice';

describe('text conversations when the model behind the rules fails (fake OpenAI)', () => {
  let model: FakeOpenAI;
  let app: TestFrontdesk;
  before(async () => {
    model = await startFakeOpenAI();
    app = await startTestFrontdesk({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: model.url }, 'web', { now: () => now });
  });
  after(async () => {
    await app.close();
    await model.close();
  });

  async function modelFailures(): Promise<number> {
    const text = await app.running.metrics.registry.getSingleMetricAsString('frontdesk_understanding_total');
    const line = text.split('\n').find((row) => row.includes('path="llm"') && row.includes('outcome="failed"'));
    return Number(line?.split(' ').at(-1) ?? 0);
  }

  async function bookAroundAnUnsureTurn(): Promise<string[]> {
    const texts = textThread(app, { from: nextPhone(), to: salon.messaging.smsFrom! });
    return texts.say('a haircut tomorrow morning please', UNSURE, 'the first one', 'yes');
  }

  /** Waits for the reply that missed the inline budget to reach the outbox. */
  async function lateReplyTo(messageSid: string): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const [row] = await app.db.dataSource.query(`SELECT payload FROM outbox WHERE kind = 'sms' AND dedupe_key = $1`, [`${messageSid}:reply`]);
      if (row) return row.payload.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no late reply to ${messageSid} in the outbox`);
  }

  it('carries on with the rules when the model never answers, replying through the outbox once the inline budget is spent', async () => {
    const asked = model.requests.length;
    const failed = await modelFailures();
    model.hangNext(2); // the first attempt and its one retry: longer than the 2 s inline budget
    const texts = textThread(app, { from: nextPhone(), to: salon.messaging.smsFrom! });
    const [offer] = await texts.say('a haircut tomorrow morning please');
    const unsure = await texts.send(UNSURE);
    assert.equal(unsure.reply, '', 'acknowledged at once with an empty response');
    assert.match(await lateReplyTo(unsure.messageSid), /^Sorry, I didn't understand that\. Could you rephrase\? I can do:/, 'asks again, repeating the offer');
    const [confirm, booked] = await texts.say('the first one', 'yes');
    assert.match(offer!, /^I can do:/);
    assert.match(confirm!, /Shall I book it\?$/);
    assert.match(booked!, /^You're booked for tomorrow at 9(:\d\d)? am\./);
    assert.ok(model.requests.length > asked, 'the model was asked');
    assert.equal(await modelFailures(), failed + 1);
  });

  it('carries on with the rules when the model answers something that is not the schema', async () => {
    const failed = await modelFailures();
    model.script({ content: 'Sure! The customer wants colour.' }, { content: '{"acts": "inform"}' });
    const [, unsure, , booked] = await bookAroundAnUnsureTurn();
    assert.match(unsure!, /^Sorry, I didn't understand that\./);
    assert.match(booked!, /^You're booked for tomorrow at 9(:\d\d)? am\./);
    assert.equal(await modelFailures(), failed + 1);
  });
});
