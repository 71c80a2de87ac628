import assert from 'node:assert/strict';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createVendorPolicy } from '../../src/resilience/vendor-policy.js';
import { createElevenLabsTextToSpeech } from '../../src/speech/elevenlabs-text-to-speech.js';
import { PhraseCache } from '../../src/speech/phrase-cache.js';
import { startFakeElevenLabs, toneFor, type FakeElevenLabs } from '../fakes/elevenlabs.js';

const PHRASES = { greeting: 'Hello, this is Test Salon.', filler: 'One moment, let me check.', apology: 'Sorry, I am having trouble.' };

async function drain(audio: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of audio) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('PhraseCache over ElevenLabs (fake)', () => {
  let fake: FakeElevenLabs;
  let cache: PhraseCache;
  const logger = createLogger({ level: 'silent' });
  const salon = { businessId: 'salon' };

  beforeEach(async () => {
    fake = await startFakeElevenLabs();
    const policy = createVendorPolicy({ dependency: 'elevenlabs', metrics: createMetrics(), logger, timeoutMs: 5000, retries: 0 });
    const tts = createElevenLabsTextToSpeech({ apiKey: 'key', baseUrl: fake.url, voiceId: 'voice-a', policy, logger });
    cache = new PhraseCache(tts, logger);
  });
  afterEach(() => fake.close());

  it('synthesises each phrase once per business and voice, even when prepared concurrently', async () => {
    const [first, second] = await Promise.all([cache.prepare(salon, PHRASES), cache.prepare(salon, PHRASES)]);
    assert.deepEqual(first, { ready: ['greeting', 'filler', 'apology'], failed: [] });
    assert.deepEqual(second, first);
    assert.equal(fake.requests.length, 3);

    await cache.prepare(salon, PHRASES);
    assert.equal(fake.requests.length, 3, 'prepared phrases are not synthesised again');
    await cache.prepare({ businessId: 'dental' }, { greeting: 'Hello, this is the dental practice.' });
    await cache.prepare({ businessId: 'salon', voiceId: 'voice-b' }, { greeting: PHRASES.greeting });
    assert.equal(fake.requests.length, 5);
    assert.deepEqual(fake.requests.map((request) => request.voiceId), ['voice-a', 'voice-a', 'voice-a', 'voice-a', 'voice-b']);
  });

  it('replays a cached phrase with no request, and sends anything else to the TTS', async () => {
    await cache.prepare(salon, PHRASES);
    const requestsBefore = fake.requests.length;

    assert.ok(cache.get(salon, 'greeting')!.audio.equals(toneFor(PHRASES.greeting, fake.msPerCharacter)));
    const replayed = await drain(cache.speak(salon, { text: ' One moment,  let me check. ' }));
    assert.ok(replayed.equals(toneFor(PHRASES.filler, fake.msPerCharacter)));
    assert.equal(fake.requests.length, requestsBefore, 'cache hits make no request');

    await drain(cache.speak(salon, { text: 'Tomorrow at three works.' }));
    assert.equal(fake.requests.length, requestsBefore + 1);
    assert.equal(cache.get({ businessId: 'dental' }, 'greeting'), undefined);
  });

  it('the apology cached while the vendor worked still plays when it hangs', async () => {
    await cache.prepare(salon, PHRASES);
    fake.hangNext(10);
    const requestsBefore = fake.requests.length;
    assert.ok((await drain(cache.speak(salon, { text: PHRASES.apology }))).length > 0);
    assert.equal(fake.requests.length, requestsBefore);
  });

  it('lists a phrase the vendor failed to synthesise, and tries it again on the next prepare', async () => {
    fake.failNext(1, 503);
    const first = await cache.prepare(salon, { greeting: PHRASES.greeting });
    assert.deepEqual(first, { ready: [], failed: ['greeting'] });
    assert.equal(cache.get(salon, 'greeting'), undefined);
    const second = await cache.prepare(salon, { greeting: PHRASES.greeting });
    assert.deepEqual(second, { ready: ['greeting'], failed: [] });
  });
});
