import type { Env } from '../config/env.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { withinDeadline } from '../resilience/deadline.js';
import { createVendorPolicy, type BreakerOptions } from '../resilience/vendor-policy.js';
import { createDeepgramSpeechToText } from './deepgram-speech-to-text.js';
import { createElevenLabsTextToSpeech } from './elevenlabs-text-to-speech.js';
import { createLocalSpeechToText } from './local-speech-to-text.js';
import { createLocalTextToSpeech } from './local-text-to-speech.js';
import { PhraseCache } from './phrase-cache.js';
import type { SpeechToText, TextToSpeech } from './types.js';

export type SpeechEnv = Pick<Env, 'DEEPGRAM_API_KEY' | 'DEEPGRAM_URL' | 'ELEVENLABS_API_KEY' | 'ELEVENLABS_BASE_URL' | 'ELEVENLABS_VOICE_ID'>;

export interface SpeechPolicyTuning {
  /** Deepgram: limit for connecting; ElevenLabs: limit for the first audio. In ms. */
  timeoutMs?: number;
  /** Further attempts to open a stream (opening is idempotent). */
  retries?: number;
  breaker?: BreakerOptions;
}

export interface SpeechTuning {
  /** Default: 1000 ms to connect, no retry, the policy's default breaker. */
  deepgram?: SpeechPolicyTuning;
  /** Default: 1500 ms to the first audio, 1 retry, the policy's default breaker. */
  elevenlabs?: SpeechPolicyTuning;
  /** ElevenLabs: longest gap between chunks once audio flows, in ms. Default: 3000. */
  stallTimeoutMs?: number;
  /** Deepgram: KeepAlive after this long without audio, in ms. Default: 3000. */
  keepAliveIntervalMs?: number;
}

/** Longest wait for the speech clients to load (the ElevenLabs thread takes ~1 s, ~2 s under tsx). */
const READY_WAIT_MS = 15_000;

export interface Speech {
  stt: SpeechToText;
  tts: TextToSpeech;
  /** Fixed phrases over `tts`, prepared per business. */
  phrases: PhraseCache;
  /** Resolves once the vendors' clients are loaded (`TextToSpeech.ready`), or after 15 s; never rejects, it logs. */
  ready(): Promise<void>;
}

/**
 * The speech stack for this process: Deepgram and ElevenLabs when their keys are set, each
 * behind its own vendor policy, and the local stand-ins when not (DESIGN §3; the start-up log's
 * vendor lines come from `config/vendors.ts`).
 */
export function createSpeech(env: SpeechEnv, metrics: Metrics, logger: Logger, tuning: SpeechTuning = {}): Speech {
  const policy = (dependency: 'deepgram' | 'elevenlabs', defaults: { timeoutMs: number; retries: number }, own: SpeechPolicyTuning = {}) =>
    createVendorPolicy({
      dependency,
      metrics,
      logger,
      timeoutMs: own.timeoutMs ?? defaults.timeoutMs,
      retries: own.retries ?? defaults.retries,
      retryDelay: { initialMs: 50, maxMs: 200 },
      ...(own.breaker ? { breaker: own.breaker } : {}),
    });

  const stt = env.DEEPGRAM_API_KEY
    ? createDeepgramSpeechToText({
        apiKey: env.DEEPGRAM_API_KEY,
        baseUrl: env.DEEPGRAM_URL,
        // A call's stream is opened while /twilio/voice is answered, which waits 1 s for it
        // (`voice/stream/stream-calls.ts`) before choosing <Gather> mode: a slower connect is of
        // no use, and a retry would only pile attempts on a struggling Deepgram.
        policy: policy('deepgram', { timeoutMs: 1000, retries: 0 }, tuning.deepgram),
        logger,
        ...(tuning.keepAliveIntervalMs === undefined ? {} : { keepAliveIntervalMs: tuning.keepAliveIntervalMs }),
      })
    : createLocalSpeechToText();

  const tts = env.ELEVENLABS_API_KEY
    ? createElevenLabsTextToSpeech({
        apiKey: env.ELEVENLABS_API_KEY,
        baseUrl: env.ELEVENLABS_BASE_URL,
        voiceId: env.ELEVENLABS_VOICE_ID,
        policy: policy('elevenlabs', { timeoutMs: 1500, retries: 1 }, tuning.elevenlabs),
        logger,
        ...(tuning.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: tuning.stallTimeoutMs }),
      })
    : createLocalTextToSpeech();

  const ready = async () => {
    try {
      // Start-up waits for this; a load that hangs must not keep the web role from ever listening.
      const loaded = await withinDeadline((tts.ready?.() ?? Promise.resolve()).then(() => true), READY_WAIT_MS);
      if (!loaded) logger.warn({ dependency: tts.kind, waitedMs: READY_WAIT_MS }, 'text-to-speech client still loading; starting without it');
    } catch (error) {
      logger.warn({ err: error, dependency: tts.kind }, 'text-to-speech client failed to load; the first synthesis will try again');
    }
  };
  return { stt, tts, phrases: new PhraseCache(tts, logger), ready };
}
