import assert from 'node:assert/strict';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { createVendorPolicy, VendorUnavailableError } from '../../src/resilience/vendor-policy.js';
import {
  createElevenLabsTextToSpeech,
  type ElevenLabsTextToSpeechOptions,
} from '../../src/speech/elevenlabs-text-to-speech.js';
import { ElevenLabsThreadHost } from '../../src/speech/elevenlabs-thread-host.js';
import { SpeechVendorError } from '../../src/speech/errors.js';
import type { TextToSpeech } from '../../src/speech/types.js';
import { startFakeElevenLabs, toneFor, type FakeElevenLabs } from '../fakes/elevenlabs.js';

const API_KEY = 'xi-test-key';
const VOICE = 'voice-default';
const SENTENCE = 'Tomorrow at three works. Shall I book it?';

async function vendorErrors(metrics: Metrics): Promise<number | undefined> {
  const { values } = await metrics.registry.getSingleMetric('frontdesk_vendor_errors_total')!.get();
  return values.find((value) => value.labels.dependency === 'elevenlabs')?.value;
}

async function drain(audio: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of audio) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('ElevenLabs text-to-speech against the fake ElevenLabs', () => {
  let fake: FakeElevenLabs;
  let metrics: Metrics;
  let tts: TextToSpeech;
  const logger = createLogger({ level: 'silent' });

  function setup(overrides: Partial<ElevenLabsTextToSpeechOptions> = {}, timeoutMs = 5000): void {
    metrics = createMetrics();
    const policy = createVendorPolicy({
      dependency: 'elevenlabs',
      metrics,
      logger,
      timeoutMs,
      retries: 0,
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
    });
    tts = createElevenLabsTextToSpeech({ apiKey: API_KEY, baseUrl: fake.url, voiceId: VOICE, policy, logger, ...overrides });
  }

  beforeEach(async () => {
    fake = await startFakeElevenLabs();
    fake.apiKey = API_KEY;
    setup();
  });
  afterEach(() => fake.close());

  it('yields the first chunk before the rest of the sentence exists, then the whole mu-law body', async () => {
    fake.holdAfterFirstChunk = true;
    const expected = toneFor(SENTENCE, fake.msPerCharacter);
    const audio = tts.synthesize({ text: SENTENCE })[Symbol.asyncIterator]();

    const first = await audio.next();
    assert.equal(first.done, false);
    assert.ok(first.value.length > 0);
    assert.ok(fake.requests[0]!.bytesSent < expected.length, 'the server has not written the rest yet');

    fake.release();
    const rest: Buffer[] = [first.value];
    for (let next = await audio.next(); !next.done; next = await audio.next()) rest.push(next.value);
    assert.ok(Buffer.concat(rest).equals(expected), 'every byte arrives, in order');

    const request = fake.requests[0]!;
    assert.deepEqual(
      [request.voiceId, request.text, request.modelId, request.outputFormat, request.optimizeStreamingLatency, request.apiKey],
      [VOICE, SENTENCE, 'eleven_flash_v2_5', 'ulaw_8000', '3', API_KEY],
    );
  });

  it('the next turn\'s synthesis reuses the connection after a pause longer than Node\'s 4 s keep-alive', async function () {
    this.timeout(15_000);
    fake.msPerCharacter = 1;
    await drain(tts.synthesize({ text: SENTENCE }));
    // A call's turns are seconds apart: the reply plays, then the caller speaks.
    await new Promise((resolve) => setTimeout(resolve, 4500));
    await drain(tts.synthesize({ text: SENTENCE }));
    assert.deepEqual(fake.requests.map((request) => request.reusedConnection), [false, true]);
  });

  it('speaks in the voice a request names', async () => {
    await drain(tts.synthesize({ text: 'Hello', voiceId: 'other-voice' }));
    assert.equal(fake.requests[0]!.voiceId, 'other-voice');
  });

  it('aborting mid-sentence ends the audio quietly and cancels the HTTP request, uncounted', async () => {
    fake.holdAfterFirstChunk = true;
    const controller = new AbortController();
    const audio = tts.synthesize({ text: SENTENCE, signal: controller.signal })[Symbol.asyncIterator]();
    assert.equal((await audio.next()).done, false);
    const pending = audio.next();
    controller.abort();
    assert.equal((await pending).done, true);
    await fake.until(() => fake.requests[0]!.aborted);
    assert.equal(await vendorErrors(metrics), 0);
    assert.equal(tts.breakerState(), 'closed');
  });

  it('aborting before the first byte cancels the request, uncounted', async () => {
    fake.hangNext(1);
    const controller = new AbortController();
    const audio = drain(tts.synthesize({ text: SENTENCE, signal: controller.signal }));
    await fake.until(() => fake.requests.length === 1);
    controller.abort();
    assert.equal((await audio).length, 0);
    await fake.until(() => fake.requests[0]!.aborted);
    assert.equal(await vendorErrors(metrics), 0);
  });

  it('breaking out of the loop after the first chunk cancels the request', async () => {
    fake.holdAfterFirstChunk = true;
    for await (const chunk of tts.synthesize({ text: SENTENCE })) {
      assert.ok(chunk.length > 0);
      break;
    }
    await fake.until(() => fake.requests[0]!.aborted);
  });

  it('an error status is a typed error, counted; two in a row open the breaker and stop requests', async () => {
    fake.failNext(2, 500);
    for (let attempt = 1; attempt <= 2; attempt++) {
      await assert.rejects(drain(tts.synthesize({ text: SENTENCE })), (error: unknown) => {
        assert.ok(error instanceof SpeechVendorError, String(error));
        assert.deepEqual([error.failure, error.status], ['refused', 500]);
        return true;
      });
    }
    assert.equal(await vendorErrors(metrics), 2);
    assert.equal(tts.breakerState(), 'open');
    await assert.rejects(drain(tts.synthesize({ text: SENTENCE })), (error: unknown) => error instanceof VendorUnavailableError && error.reason === 'breaker_open');
    assert.equal(fake.requests.length, 2);
  });

  it('a wrong key is refused with 401 and counts towards the breaker; a rejected text (422) does not', async () => {
    setup({ apiKey: 'wrong' });
    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(drain(tts.synthesize({ text: SENTENCE })), (error: unknown) => error instanceof SpeechVendorError && error.status === 401);
    }
    assert.equal(tts.breakerState(), 'open');

    setup();
    fake.failNext(3, 422);
    for (let attempt = 0; attempt < 3; attempt++) {
      await assert.rejects(drain(tts.synthesize({ text: SENTENCE })), (error: unknown) => error instanceof SpeechVendorError && !error.retryable);
    }
    assert.equal(tts.breakerState(), 'closed');
  });

  it('a request never answered times out under the policy and is cancelled', async () => {
    setup({}, 300);
    fake.hangNext(1);
    await assert.rejects(drain(tts.synthesize({ text: SENTENCE })), (error: unknown) => error instanceof VendorUnavailableError && error.reason === 'timeout');
    await fake.until(() => fake.requests[0]!.aborted);
    assert.equal(await vendorErrors(metrics), 1);
  });

  it('a stream that stalls after the first chunk fails as stalled, counted, and is cancelled', async () => {
    setup({ stallTimeoutMs: 100 });
    fake.stallNext(1);
    const chunks: Buffer[] = [];
    const failure = await (async () => {
      try {
        for await (const chunk of tts.synthesize({ text: SENTENCE })) chunks.push(chunk);
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    assert.equal(chunks.length, 1, 'the audio before the stall was played');
    assert.ok(failure instanceof SpeechVendorError && failure.failure === 'stalled', String(failure));
    await fake.until(() => fake.requests[0]!.aborted);
    assert.equal(await vendorErrors(metrics), 1);
  });

  it('a connection cut mid-stream fails as disconnected and is counted', async () => {
    fake.disconnectNext(1, 1600);
    await assert.rejects(drain(tts.synthesize({ text: SENTENCE })), (error: unknown) => error instanceof SpeechVendorError && error.failure === 'disconnected');
    assert.equal(await vendorErrors(metrics), 1);
  });

  it('the SDK thread dying mid-sentence fails that sentence as disconnected; the next sentence starts a new thread', async () => {
    fake.holdAfterFirstChunk = true;
    const audio = tts.synthesize({ text: SENTENCE })[Symbol.asyncIterator]();
    const first = await audio.next();
    assert.equal(first.done, false);

    await ElevenLabsThreadHost.shared().stop();
    await assert.rejects(audio.next(), (error: unknown) => error instanceof SpeechVendorError && error.failure === 'disconnected');

    fake.holdAfterFirstChunk = false;
    const whole = await drain(tts.synthesize({ text: SENTENCE }));
    assert.ok(whole.equals(toneFor(SENTENCE, fake.msPerCharacter)), 'the next sentence is whole');
  });
});
