import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeOpenAI } from './openai.js';

/** The fake must satisfy the real SDK, or tests built on it prove nothing. */
describe('fake OpenAI server, driven by the real openai SDK', () => {
  let fake: FakeOpenAI;
  let client: OpenAI;
  beforeEach(async () => {
    fake = await startFakeOpenAI();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.url, maxRetries: 0, timeout: 2000 });
  });
  afterEach(() => fake.close());

  it('answers a plain completion with strict JSON-schema output', async () => {
    fake.script({ content: '{"intent":"book"}' });
    const result = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'I want a haircut' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'understood', strict: true, schema: { type: 'object', properties: {}, additionalProperties: false } },
      },
    });
    assert.equal(result.choices[0]?.message.content, '{"intent":"book"}');
    assert.equal(fake.requests[0]?.authorization, 'Bearer sk-test');
    assert.ok(fake.requests[0]?.body.response_format);
  });

  it('streams content and tool-call arguments as SSE ending with [DONE]', async () => {
    fake.script({ content: 'Tuesday at three works.' }, { toolCall: { name: 'extract', arguments: '{"date":"2026-12-01","time":"15:00"}' } });
    let text = '';
    for await (const chunk of await client.chat.completions.create({ model: 'm', messages: [], stream: true })) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    assert.equal(text, 'Tuesday at three works.');

    const stream = client.chat.completions.stream({ model: 'm', messages: [] });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    assert.equal(call?.type === 'function' ? call.function.arguments : undefined, '{"date":"2026-12-01","time":"15:00"}');
  });

  it('injects errors, hangs and latency', async () => {
    fake.failNext(1, 500);
    await assert.rejects(client.chat.completions.create({ model: 'm', messages: [] }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, 500);
      return true;
    });
    fake.hangNext(1);
    await assert.rejects(client.chat.completions.create({ model: 'm', messages: [] }, { timeout: 100 }), OpenAI.APIConnectionTimeoutError);
    fake.latencyMs = 50;
    const started = Date.now();
    await client.chat.completions.create({ model: 'm', messages: [] });
    assert.ok(Date.now() - started >= 45);
  });
});
