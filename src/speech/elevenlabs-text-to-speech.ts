import type { Logger } from '../observability/logger.js';
import type { VendorPolicy } from '../resilience/vendor-policy.js';
import { ElevenLabsThreadHost, SynthesisFailed, type RemoteSynthesis } from './elevenlabs-thread-host.js';
import { SpeechVendorError } from './errors.js';
import type { SynthesisRequest, TextToSpeech } from './types.js';
import { openUnderPolicy, recordStreamFailure } from './vendor-stream.js';

export interface ElevenLabsTextToSpeechOptions {
  apiKey: string;
  /** ELEVENLABS_BASE_URL; ElevenLabs' own when absent. */
  baseUrl?: string | undefined;
  /** ELEVENLABS_VOICE_ID: the voice when a request names none. */
  voiceId: string;
  /** The `elevenlabs` policy: its timeout bounds the wait for the first audio, its breaker counts failures. */
  policy: VendorPolicy;
  logger: Logger;
  /** Default: `eleven_flash_v2_5`, the low-latency model. */
  modelId?: string;
  /** ElevenLabs' 0–4 latency/quality trade. Default: 3. */
  optimizeStreamingLatency?: number;
  /** Longest wait for the next chunk once audio flows, in ms; longer is a stall. Default: 3000. */
  stallTimeoutMs?: number;
}

interface FirstAudio {
  audio: RemoteSynthesis;
  first: Buffer | undefined;
}

/**
 * Streaming speech over `@elevenlabs/elevenlabs-js` (`POST /v1/text-to-speech/{voice}/stream`,
 * `output_format=ulaw_8000`: the body is mu-law ready for Twilio, PROTOCOLS.md). The first chunk
 * is yielded as soon as it arrives, before the sentence is synthesised to the end.
 *
 * The SDK itself runs on the process's ElevenLabs thread (`elevenlabs-thread.ts`: its heap is
 * kept off the thread that paces every call's audio); the policy, the stall timer and the
 * errors are decided here, as for any vendor.
 */
export function createElevenLabsTextToSpeech(options: ElevenLabsTextToSpeechOptions): TextToSpeech {
  const modelId = options.modelId ?? 'eleven_flash_v2_5';
  const optimizeStreamingLatency = options.optimizeStreamingLatency ?? 3;
  const stallTimeoutMs = options.stallTimeoutMs ?? 3000;
  const client = { apiKey: options.apiKey, baseUrl: options.baseUrl };
  const thread = ElevenLabsThreadHost.shared();
  // Loads the SDK now, in the background, so the first call's greeting does not wait for it.
  thread.ready().catch(() => undefined);
  const logger = options.logger.child({ dependency: 'elevenlabs' });

  async function firstAudio(voiceId: string, text: string, signal: AbortSignal): Promise<FirstAudio> {
    const audio = thread.synthesize({ client, voiceId, text, modelId, optimizeStreamingLatency });
    // The controller behind `signal` owns the request from here to its end (a timeout, a
    // barge-in, a stall, the consumer stopping early): aborting it stops the request on the thread.
    const cancel = () => audio.cancel();
    if (signal.aborted) cancel();
    else signal.addEventListener('abort', cancel, { once: true });
    try {
      const first = await audio.next();
      // A cancel ends the audio early; that is the abort's reason, not an empty sentence.
      signal.throwIfAborted();
      return { audio, first };
    } catch (error) {
      throw signal.aborted ? error : refusal(error);
    }
  }

  async function* synthesize(request: SynthesisRequest): AsyncGenerator<Buffer> {
    const voiceId = request.voiceId ?? options.voiceId;
    // Not the vendor's time: the policy's timeout starts once the SDK is loaded.
    try {
      await thread.ready();
    } catch (error) {
      throw new SpeechVendorError('elevenlabs', 'refused', 'the ElevenLabs thread could not load the SDK', { cause: error });
    }
    const opened = await openUnderPolicy(options.policy, (signal) => firstAudio(voiceId, request.text, signal), request.signal, {
      idempotent: true,
    });
    if (opened.cancelled) return;
    const { audio, first } = opened.value;
    try {
      if (first === undefined) return;
      yield first;
      for (;;) {
        const chunk = await nextChunk(audio, stallTimeoutMs, opened.controller);
        if (chunk === undefined) return;
        yield chunk;
      }
    } catch (error) {
      if (request.signal?.aborted) return;
      const failure = midStream(error);
      logger.warn({ failure: failure.failure }, 'text-to-speech stream failed mid-sentence');
      await recordStreamFailure(options.policy, failure);
      throw failure;
    } finally {
      // Ends the HTTP request when the consumer stops early (barge-in) or the stream failed.
      opened.controller.abort();
      opened.unlinkCaller();
    }
  }

  return {
    kind: 'elevenlabs',
    defaultVoiceId: options.voiceId,
    breakerState: () => options.policy.state(),
    synthesize,
    ready: () => thread.ready(),
  };
}

class StallError extends Error {}

/** The next chunk (`undefined` at the end), or a StallError (and the request aborted) when none comes within `stallTimeoutMs`. */
async function nextChunk(audio: RemoteSynthesis, stallTimeoutMs: number, controller: AbortController): Promise<Buffer | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new StallError(`no audio for ${stallTimeoutMs} ms`));
      controller.abort();
    }, stallTimeoutMs);
  });
  try {
    return await Promise.race([audio.next(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/** A failure before any audio: the vendor's status decides whether the breaker hears of it. */
function refusal(error: unknown): Error {
  const failure = error instanceof SynthesisFailed ? error.failure : undefined;
  const status = failure?.status;
  if (status !== undefined) {
    const hint = status === 401 || status === 403 ? ': check ELEVENLABS_API_KEY' : '';
    return new SpeechVendorError('elevenlabs', 'refused', `ElevenLabs refused the synthesis with HTTP ${status}${hint}`, { cause: error, status });
  }
  const why = failure?.timedOut ? 'ElevenLabs did not answer the synthesis request in time' : 'ElevenLabs synthesis request failed';
  return new SpeechVendorError('elevenlabs', 'refused', why, { cause: error });
}

function midStream(error: unknown): SpeechVendorError {
  if (error instanceof StallError) return new SpeechVendorError('elevenlabs', 'stalled', `ElevenLabs stopped sending audio: ${error.message}`);
  return new SpeechVendorError('elevenlabs', 'disconnected', 'ElevenLabs audio stream broke off mid-sentence', { cause: error });
}
