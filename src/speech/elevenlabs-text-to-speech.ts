import { ElevenLabsClient, ElevenLabsError, ElevenLabsTimeoutError } from '@elevenlabs/elevenlabs-js';
import type { Logger } from '../observability/logger.js';
import { keepAliveFetch } from '../resilience/keep-alive-fetch.js';
import type { VendorPolicy } from '../resilience/vendor-policy.js';
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

/** The SDK's own request timeout: a backstop above the policy's, which is the one that fires. */
const SDK_TIMEOUT_SECONDS = 60;

type Reader = ReadableStreamDefaultReader<Uint8Array>;
interface FirstAudio {
  reader: Reader;
  first: Buffer | undefined;
}

/**
 * Streaming speech over `@elevenlabs/elevenlabs-js` (`POST /v1/text-to-speech/{voice}/stream`,
 * `output_format=ulaw_8000`: the body is mu-law ready for Twilio, PROTOCOLS.md). The first chunk
 * is yielded as soon as it arrives, before the sentence is synthesised to the end.
 */
export function createElevenLabsTextToSpeech(options: ElevenLabsTextToSpeechOptions): TextToSpeech {
  const modelId = options.modelId ?? 'eleven_flash_v2_5';
  const optimizeStreamingLatency = options.optimizeStreamingLatency ?? 3;
  const stallTimeoutMs = options.stallTimeoutMs ?? 3000;
  // Retries belong to the policy; the SDK's own would stack on top of them. The connection stays
  // open between a call's turns, so a reply does not wait for a new TLS handshake.
  const client = new ElevenLabsClient({
    apiKey: options.apiKey,
    baseUrl: options.baseUrl,
    maxRetries: 0,
    timeoutInSeconds: SDK_TIMEOUT_SECONDS,
    fetch: keepAliveFetch(),
  });
  const logger = options.logger.child({ dependency: 'elevenlabs' });

  async function firstAudio(voiceId: string, text: string, signal: AbortSignal): Promise<FirstAudio> {
    try {
      const body = await client.textToSpeech.stream(
        voiceId,
        { text, modelId, outputFormat: 'ulaw_8000', optimizeStreamingLatency },
        { abortSignal: signal, maxRetries: 0, timeoutInSeconds: SDK_TIMEOUT_SECONDS },
      );
      const reader = body.getReader();
      const read = await reader.read();
      return { reader, first: read.done ? undefined : toBuffer(read.value) };
    } catch (error) {
      throw signal.aborted ? error : refusal(error);
    }
  }

  async function* synthesize(request: SynthesisRequest): AsyncGenerator<Buffer> {
    const voiceId = request.voiceId ?? options.voiceId;
    const opened = await openUnderPolicy(options.policy, (signal) => firstAudio(voiceId, request.text, signal), request.signal, {
      idempotent: true,
    });
    if (opened.cancelled) return;
    const { reader, first } = opened.value;
    try {
      if (first === undefined) return;
      yield first;
      for (;;) {
        const read = await nextChunk(reader, stallTimeoutMs, opened.controller);
        if (read.done) return;
        yield toBuffer(read.value);
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
  };
}

class StallError extends Error {}

/** The next chunk, or a StallError (and the request aborted) when none comes within `stallTimeoutMs`. */
async function nextChunk(reader: Reader, stallTimeoutMs: number, controller: AbortController): Promise<Awaited<ReturnType<Reader['read']>>> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new StallError(`no audio for ${stallTimeoutMs} ms`));
      controller.abort();
    }, stallTimeoutMs);
  });
  try {
    return await Promise.race([reader.read(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** A failure before any audio: the vendor's status decides whether the breaker hears of it. */
function refusal(error: unknown): Error {
  if (error instanceof ElevenLabsTimeoutError) return error;
  if (error instanceof ElevenLabsError && error.statusCode !== undefined) {
    const status = error.statusCode;
    const hint = status === 401 || status === 403 ? ': check ELEVENLABS_API_KEY' : '';
    return new SpeechVendorError('elevenlabs', 'refused', `ElevenLabs refused the synthesis with HTTP ${status}${hint}`, { cause: error, status });
  }
  return new SpeechVendorError('elevenlabs', 'refused', 'ElevenLabs synthesis request failed', { cause: error });
}

function midStream(error: unknown): SpeechVendorError {
  if (error instanceof StallError) return new SpeechVendorError('elevenlabs', 'stalled', `ElevenLabs stopped sending audio: ${error.message}`);
  return new SpeechVendorError('elevenlabs', 'disconnected', 'ElevenLabs audio stream broke off mid-sentence', { cause: error });
}
