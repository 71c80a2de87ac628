import assert from 'node:assert/strict';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { createVendorPolicy, VendorUnavailableError, type VendorPolicy } from '../../src/resilience/vendor-policy.js';
import { createDeepgramSpeechToText, type DeepgramSpeechToTextOptions } from '../../src/speech/deepgram-speech-to-text.js';
import { SpeechVendorError } from '../../src/speech/errors.js';
import type { SpeechToText, TranscriptEvent, TranscriptionStream } from '../../src/speech/types.js';
import { startFakeDeepgram, type FakeDeepgram } from '../fakes/deepgram.js';
import { frames, syntheticSpeech, type Segment } from './synthetic-speech.js';

const API_KEY = 'dg-test-key';

async function vendorErrors(metrics: Metrics): Promise<number | undefined> {
  const { values } = await metrics.registry.getSingleMetric('frontdesk_vendor_errors_total')!.get();
  return values.find((value) => value.labels.dependency === 'deepgram')?.value;
}

/** Reads every event until the stream ends; resolves with them, or with them and the error. */
async function collect(stream: TranscriptionStream, into: TranscriptEvent[]): Promise<unknown> {
  try {
    for await (const event of stream) into.push(event);
    return undefined;
  } catch (error) {
    return error;
  }
}

function send(stream: TranscriptionStream, segments: Segment[]): void {
  for (const frame of frames(syntheticSpeech(segments))) stream.send(frame);
}

describe('Deepgram speech-to-text against the fake Deepgram', () => {
  let fake: FakeDeepgram;
  let metrics: Metrics;
  let policy: VendorPolicy;
  let stt: SpeechToText;
  const logger = createLogger({ level: 'silent' });

  function setup(overrides: Partial<DeepgramSpeechToTextOptions> = {}, timeoutMs = 5000): void {
    metrics = createMetrics();
    policy = createVendorPolicy({
      dependency: 'deepgram',
      metrics,
      logger,
      timeoutMs,
      retries: 0,
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
    });
    stt = createDeepgramSpeechToText({ apiKey: API_KEY, baseUrl: fake.url, policy, logger, ...overrides });
  }

  beforeEach(async () => {
    fake = await startFakeDeepgram();
    fake.apiKey = API_KEY;
    setup();
  });
  afterEach(() => fake.close());

  it('hears each utterance and emits its scripted transcript: speech started, interims, final, utterance end', async () => {
    fake.script('I would like a haircut.', 'Tomorrow at three.');
    const stream = await stt.open({ keyterms: ['Anna', ' Cut ', 'Cut', ''] });
    const events: TranscriptEvent[] = [];
    const reading = collect(stream, events);
    const utteranceEnds = () => events.filter((event) => event.type === 'utteranceEnd').length;

    send(stream, [{ silenceMs: 200 }, { speechMs: 800 }, { silenceMs: 600 }]);
    await fake.until(() => fake.connections[0]!.sent.some((message) => message.type === 'UtteranceEnd'));
    await until(() => utteranceEnds() === 1);
    send(stream, [{ speechMs: 600 }, { silenceMs: 600 }]);
    await until(() => utteranceEnds() === 2);
    await stream.close();
    assert.equal(await reading, undefined);

    const connection = fake.connections[0]!;
    assert.equal(connection.authorization, `Token ${API_KEY}`);
    assert.equal(connection.query.get('encoding'), 'mulaw');
    assert.equal(connection.query.get('sample_rate'), '8000');
    assert.equal(connection.query.get('channels'), '1');
    assert.equal(connection.query.get('interim_results'), 'true');
    assert.equal(connection.query.get('vad_events'), 'true');
    assert.equal(connection.query.get('endpointing'), '300');
    assert.equal(connection.query.get('utterance_end_ms'), '1000');
    assert.deepEqual(connection.query.getAll('keyterm'), ['Anna', 'Cut']);
    assert.equal(connection.controls.at(-1), 'CloseStream');

    const firstEnd = events.findIndex((event) => event.type === 'utteranceEnd');
    const first = events.slice(0, firstEnd + 1);
    const second = events.slice(firstEnd + 1);
    assertUtterance(first, 'I would like a haircut.', { startMs: 200, endMs: 1000 });
    assertUtterance(second, 'Tomorrow at three.', { startMs: 1600, endMs: 2200 });
  });

  it('sends KeepAlive while no audio is sent, and the stream stays open', async () => {
    setup({ keepAliveIntervalMs: 20 });
    const stream = await stt.open();
    await fake.until(() => (fake.connections[0]?.controls.filter((type) => type === 'KeepAlive').length ?? 0) >= 3);
    assert.equal(fake.connections[0]!.closed, false);
    await stream.close();
    assert.deepEqual(await stream.ended, { reason: 'closed' });
  });

  it('flushes on finalize(): a final marked fromFinalize, not speechFinal', async () => {
    fake.script('my number is five five five');
    const stream = await stt.open();
    const events: TranscriptEvent[] = [];
    const reading = collect(stream, events);
    send(stream, [{ speechMs: 600 }]);
    await until(() => events.some((event) => event.type === 'speechStarted'));
    stream.finalize();
    await until(() => events.some((event) => event.type === 'final'));
    await stream.close();
    await reading;
    const final = events.find((event) => event.type === 'final');
    assert.deepEqual(final && { text: final.text, fromFinalize: final.fromFinalize, speechFinal: final.speechFinal }, {
      text: 'my number is five five five',
      fromFinalize: true,
      speechFinal: false,
    });
  });

  it('a refused connect is a typed error, counted, and opens the breaker', async () => {
    setup({ apiKey: 'wrong-key' });
    for (let attempt = 1; attempt <= 2; attempt++) {
      await assert.rejects(stt.open(), (error: unknown) => {
        assert.ok(error instanceof SpeechVendorError, String(error));
        assert.deepEqual([error.failure, error.status, error.dependency], ['refused', 401, 'deepgram']);
        return true;
      });
      assert.equal(await vendorErrors(metrics), attempt);
    }
    assert.equal(stt.breakerState(), 'open');
    await assert.rejects(stt.open(), (error: unknown) => error instanceof VendorUnavailableError && error.reason === 'breaker_open');
    assert.equal(fake.attempts, 2, 'the open breaker fails fast without connecting');
  });

  it('a server error at connect is refused with its status', async () => {
    fake.refuseNext(1, 500);
    await assert.rejects(stt.open(), (error: unknown) => error instanceof SpeechVendorError && error.status === 500);
  });

  it('a connect that is never answered times out under the policy', async () => {
    setup({}, 300);
    fake.hangNext(1);
    await assert.rejects(stt.open(), (error: unknown) => error instanceof VendorUnavailableError && error.reason === 'timeout');
    assert.equal(await vendorErrors(metrics), 1);
  });

  for (const drop of [{ afterAudioMs: 400 }, { afterAudioMs: 400, closeCode: 1011 }]) {
    it(`a stream dropped mid-call (${drop.closeCode ?? 'connection lost'}) ends with a typed error and is counted`, async () => {
      fake.dropNext(1, drop);
      const stream = await stt.open();
      const events: TranscriptEvent[] = [];
      const reading = collect(stream, events);
      send(stream, [{ speechMs: 1000 }]);
      const error = await reading;
      assert.ok(error instanceof SpeechVendorError, String(error));
      assert.equal(error.failure, 'disconnected');
      if (drop.closeCode) assert.equal(error.closeCode, drop.closeCode);
      const ended = await stream.ended;
      assert.equal(ended.reason, 'failed');
      assert.equal(await vendorErrors(metrics), 1);
      stream.send(Buffer.alloc(160, 0xff));
      await stream.close();
    });
  }

  it('aborting the signal closes the stream as ours, not as a failure', async () => {
    const controller = new AbortController();
    const stream = await stt.open({ signal: controller.signal });
    controller.abort();
    assert.deepEqual(await stream.ended, { reason: 'closed' });
    assert.equal(await vendorErrors(metrics), 0);
  });
});

/** Polls a condition the test's own reader updates (the fake's `until` covers the server side). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

function assertUtterance(events: TranscriptEvent[], text: string, speech: { startMs: number; endMs: number }): void {
  const types = events.map((event) => event.type);
  assert.equal(types[0], 'speechStarted', types.join());
  assert.equal(types.at(-2), 'final', types.join());
  assert.equal(types.at(-1), 'utteranceEnd', types.join());
  const interims = events.filter((event) => event.type === 'interim');
  assert.ok(interims.length > 0, 'interim results came before the final');
  assert.ok(types.slice(1, -2).every((type) => type === 'interim'), types.join());
  for (const interim of interims) assert.ok(text.startsWith(interim.text) && interim.text !== text, interim.text);

  const started = events[0]!;
  const final = events.at(-2)!;
  const end = events.at(-1)!;
  assert.equal(started.type === 'speechStarted' && started.atMs, speech.startMs);
  assert.ok(final.type === 'final');
  assert.deepEqual([final.text, final.speechFinal, final.fromFinalize], [text, true, false]);
  assert.equal(final.words.map((word) => word.text).join(' '), text);
  assert.equal(end.type === 'utteranceEnd' && end.lastWordEndMs, speech.endMs, 'the utterance ends where the speech did');
}
