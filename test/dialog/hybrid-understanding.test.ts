import assert from 'node:assert/strict';
import pino from 'pino';
import { HybridUnderstanding } from '../../src/dialog/understanding/hybrid-understanding.js';
import { InvalidModelAnswer } from '../../src/dialog/understanding/llm-answer.js';
import { createOpenAIUnderstanding } from '../../src/dialog/understanding/openai-understanding.js';
import type { UnderstandingContext } from '../../src/dialog/understanding/types.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { CallerCancelled, createVendorPolicy } from '../../src/resilience/vendor-policy.js';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai.js';
import { exampleBusinesses } from '../support/businesses.js';
import { modelAnswer as answer } from '../support/model-answer.js';

const { salon } = exampleBusinesses();
const context: UnderstandingContext = { now: new Date('2026-03-02T15:00:00Z'), timeZone: salon.timeZone, business: salon };
const SURE = 'I would like a haircut tomorrow at 3 pm';
const UNSURE = 'well my cousin said that thing you do with the colours was nice';
const serviceId = salon.services[0]!.id;

/** What the fake model says unless a test says otherwise: a booking of the first service. */
function modelAnswer(overrides: Record<string, unknown> = {}): string {
  return answer({ acts: ['inform_intent'], intent: 'book', service: serviceId, confidence: 0.8, ...overrides });
}

describe('understanding with an LLM behind the rules (fake OpenAI, real SDK)', () => {
  let fake: FakeOpenAI;
  let metrics: Metrics;
  let hybrid: HybridUnderstanding;

  beforeEach(async () => {
    fake = await startFakeOpenAI();
    metrics = createMetrics();
    const logger = pino({ level: 'silent' });
    const llm = createOpenAIUnderstanding({
      apiKey: 'sk-test',
      baseURL: fake.url,
      model: 'gpt-4o-mini',
      policy: createVendorPolicy({ dependency: 'openai', metrics, logger, timeoutMs: 1000, retries: 1, retryDelay: { initialMs: 5, maxMs: 10 } }),
    });
    hybrid = new HybridUnderstanding({ llm, logger, metrics });
  });
  afterEach(() => fake.close());

  it('leaves sure sentences to the rules: no model request', async () => {
    const understood = await hybrid.understand(SURE, context);
    assert.equal(understood.intent, 'book');
    assert.equal(fake.requests.length, 0);
  });

  it('asks the model when the rules are unsure, with a strict schema, and validates its answer', async () => {
    fake.script({ content: modelAnswer({ date: '2026-03-04', time: '25:99', staff: 'nobody-here', phone: '212 555 0123' }) });
    const understood = await hybrid.understand(UNSURE, context);
    assert.equal(understood.intent, 'book');
    assert.equal(understood.slots.service, serviceId);
    assert.equal(understood.slots.date, '2026-03-04');
    assert.equal(understood.slots.time, undefined, 'an impossible time is dropped');
    assert.equal(understood.slots.staff, undefined, 'a staff id the business does not have is dropped');
    assert.equal(understood.slots.phone, undefined, 'a number without country code is not guessed');
    const request = fake.requests[0]!.body as { response_format: { json_schema: { strict: boolean } }; model: string };
    assert.equal(request.response_format.json_schema.strict, true);
    assert.equal(request.model, 'gpt-4o-mini');
    const counted = await metrics.registry.getSingleMetricAsString('frontdesk_understanding_total');
    assert.match(counted, /path="llm",outcome="understood"\} 1/);
  });

  it('keeps the rules answer when the model hangs past the timeout (and its one retry)', async function () {
    this.timeout(10_000);
    fake.hangNext(2);
    const started = Date.now();
    const understood = await hybrid.understand(UNSURE, context);
    assert.ok(Date.now() - started < 5000, 'bounded by the policy timeout (2 attempts of 1 s)');
    assert.ok(understood.confidence < 0.6, 'the unsure rules answer, unchanged');
    assert.equal(understood.slots.service, undefined);
    assert.equal(fake.requests.length, 2);
    const counted = await metrics.registry.getSingleMetricAsString('frontdesk_understanding_total');
    assert.match(counted, /path="llm",outcome="failed"\} 1/);
  });

  it('stops asking the model when the turn is dropped, and does not count the model as failed', async () => {
    fake.hangNext(2);
    const turn = new AbortController();
    const understanding = hybrid.understand(UNSURE, { ...context, signal: turn.signal });
    await waitFor(() => fake.requests.length === 1);
    turn.abort();
    await assert.rejects(understanding, CallerCancelled);
    assert.equal(fake.requests.length, 1, 'no retry');
    const counted = await metrics.registry.getSingleMetricAsString('frontdesk_understanding_total');
    assert.doesNotMatch(counted, /path="llm",outcome="failed"\} [1-9]/);
  });

  it('keeps the rules answer when the model answers something that is not the schema', async () => {
    fake.script({ content: 'Sure! The caller wants a haircut.' });
    const understood = await hybrid.understand(UNSURE, context);
    assert.deepEqual(understood.slots, {});
    fake.script({ content: '{"acts":"inform"}' });
    await hybrid.understand(UNSURE, context);
    const counted = await metrics.registry.getSingleMetricAsString('frontdesk_understanding_total');
    assert.match(counted, /path="llm",outcome="failed"\} 2/);
  });

  it('reports an invalid answer as InvalidModelAnswer from the model reader itself', async () => {
    fake.script({ content: 'not json' });
    const logger = pino({ level: 'silent' });
    const llm = createOpenAIUnderstanding({
      apiKey: 'sk-test',
      baseURL: fake.url,
      model: 'm',
      policy: createVendorPolicy({ dependency: 'openai', metrics, logger, timeoutMs: 1000, retries: 0 }),
    });
    await assert.rejects(llm.understand(UNSURE, context), InvalidModelAnswer);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries += 1) {
    if (tries > 200) throw new Error('condition not met within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
