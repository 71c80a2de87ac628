import assert from 'node:assert/strict';
import { parseEnv } from '../../src/config/env.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createSpeech } from '../../src/speech/create-speech.js';
import type { TranscriptEvent } from '../../src/speech/types.js';
import { startFakeDeepgram } from '../fakes/deepgram.js';
import { startFakeElevenLabs } from '../fakes/elevenlabs.js';
import { frames, hasSound, syntheticSpeech } from './synthetic-speech.js';

const logger = createLogger({ level: 'silent' });

async function drain(audio: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of audio) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('createSpeech', () => {
  it('uses the local stand-ins when no vendor keys are set', async () => {
    const speech = createSpeech(parseEnv({}), createMetrics(), logger);
    assert.deepEqual([speech.stt.kind, speech.tts.kind], ['local', 'local']);

    const short = await drain(speech.tts.synthesize({ text: 'Hi' }));
    const long = await drain(speech.tts.synthesize({ text: 'Hello there, how can I help you today?' }));
    assert.ok(hasSound(short) && long.length > 5 * short.length, 'audio is audible and as long as the text');

    const controller = new AbortController();
    let chunks = 0;
    for await (const _chunk of speech.tts.synthesize({ text: 'one two three four', signal: controller.signal })) {
      chunks += 1;
      controller.abort();
    }
    assert.equal(chunks, 1, 'an abort stops the local audio too');

    await speech.phrases.prepare({ businessId: 'salon' }, { greeting: 'Hello' });
    assert.ok(hasSound(speech.phrases.get({ businessId: 'salon' }, 'greeting')!.audio));
  });

  it('the local speech-to-text hears speech start and end, without words', async () => {
    const { stt } = createSpeech(parseEnv({}), createMetrics(), logger);
    const stream = await stt.open();
    for (const frame of frames(syntheticSpeech([{ silenceMs: 400 }, { speechMs: 600 }, { silenceMs: 1200 }]))) stream.send(frame);
    await stream.close();
    const events: TranscriptEvent[] = [];
    for await (const event of stream) events.push(event);
    assert.deepEqual(events, [
      { type: 'speechStarted', atMs: 400 },
      { type: 'utteranceEnd', lastWordEndMs: 1000 },
    ]);
  });

  it('points the real SDKs at DEEPGRAM_URL and ELEVENLABS_BASE_URL with the configured keys and voice', async () => {
    const deepgram = await startFakeDeepgram();
    const elevenlabs = await startFakeElevenLabs();
    try {
      const env = parseEnv({
        DEEPGRAM_API_KEY: 'dg-key',
        DEEPGRAM_URL: deepgram.url,
        ELEVENLABS_API_KEY: 'xi-key',
        ELEVENLABS_BASE_URL: elevenlabs.url,
        ELEVENLABS_VOICE_ID: 'configured-voice',
      });
      const speech = createSpeech(env, createMetrics(), logger);
      assert.deepEqual([speech.stt.kind, speech.tts.kind], ['deepgram', 'elevenlabs']);
      // What the web role awaits before it listens: the ElevenLabs thread has loaded the SDK.
      await speech.ready();

      const stream = await speech.stt.open({ keyterms: ['Colour'] });
      await stream.close();
      assert.equal(deepgram.connections[0]!.authorization, 'Token dg-key');
      assert.deepEqual(deepgram.connections[0]!.query.getAll('keyterm'), ['Colour']);

      assert.ok(hasSound(await drain(speech.tts.synthesize({ text: 'Hello' }))));
      assert.deepEqual([elevenlabs.requests[0]!.apiKey, elevenlabs.requests[0]!.voiceId], ['xi-key', 'configured-voice']);
    } finally {
      await deepgram.close();
      await elevenlabs.close();
    }
  });
});
