/**
 * The thread that runs `@elevenlabs/elevenlabs-js` for every ElevenLabs voice in the process
 * (started by `elevenlabs-thread-host.ts`). The SDK is ~5 300 modules and ~46 MB of heap,
 * mostly its request and response schemas, built when it loads: on the web thread that was a
 * third of everything each full GC had to mark while every call's audio frames waited
 * (docs/benchmarks.md, session 8). Here it has a heap and a GC of its own.
 *
 * Policy, breaker, stall timer and error typing stay on the web thread; this thread only opens
 * the request, forwards each body chunk as it arrives, and reports how a request ended.
 */
import { parentPort } from 'node:worker_threads';
import { ElevenLabsClient, ElevenLabsError, ElevenLabsTimeoutError } from '@elevenlabs/elevenlabs-js';
import { keepAliveFetch } from '../resilience/keep-alive-fetch.js';
import type { ElevenLabsClientSettings, FromSpeechThread, SynthesisFailure, SynthesisOrder, ToSpeechThread } from './elevenlabs-thread-protocol.js';

/** The SDK's own request timeout: a backstop above the policy's, which is the one that fires. */
const SDK_TIMEOUT_SECONDS = 60;

const port = parentPort;
if (!port) throw new Error('elevenlabs-thread.ts runs as a worker thread (see elevenlabs-thread-host.ts)');

const clients = new Map<string, ElevenLabsClient>();
const running = new Map<number, AbortController>();

function post(message: FromSpeechThread, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function clientFor(settings: ElevenLabsClientSettings): ElevenLabsClient {
  const key = `${settings.baseUrl ?? ''}\n${settings.apiKey}`;
  let client = clients.get(key);
  if (!client) {
    // Retries belong to the policy; the SDK's own would stack on top of them. The connection
    // stays open between a call's turns, so a reply does not wait for a new TLS handshake.
    client = new ElevenLabsClient({
      apiKey: settings.apiKey,
      baseUrl: settings.baseUrl,
      maxRetries: 0,
      timeoutInSeconds: SDK_TIMEOUT_SECONDS,
      fetch: keepAliveFetch(),
    });
    clients.set(key, client);
  }
  return client;
}

async function synthesize(order: SynthesisOrder): Promise<void> {
  const controller = new AbortController();
  running.set(order.id, controller);
  try {
    const body = await clientFor(order.client).textToSpeech.stream(
      order.voiceId,
      { text: order.text, modelId: order.modelId, outputFormat: 'ulaw_8000', optimizeStreamingLatency: order.optimizeStreamingLatency },
      { abortSignal: controller.signal, maxRetries: 0, timeoutInSeconds: SDK_TIMEOUT_SECONDS },
    );
    const reader = body.getReader();
    try {
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        // A chunk that is a view of a larger buffer is copied out so only its own bytes move.
        const chunk = read.value.byteOffset === 0 && read.value.byteLength === read.value.buffer.byteLength ? read.value : read.value.slice();
        post({ kind: 'audio', id: order.id, chunk: chunk.buffer as ArrayBuffer }, [chunk.buffer as ArrayBuffer]);
      }
    } finally {
      reader.releaseLock();
    }
    post({ kind: 'end', id: order.id });
  } catch (error) {
    // A cancelled request's end is of no interest: the web thread has already moved on.
    if (!controller.signal.aborted) post({ kind: 'failed', id: order.id, failure: describe(error) });
  } finally {
    running.delete(order.id);
  }
}

function describe(error: unknown): SynthesisFailure {
  return {
    timedOut: error instanceof ElevenLabsTimeoutError,
    status: error instanceof ElevenLabsError ? error.statusCode : undefined,
    message: error instanceof Error ? error.message : String(error),
  };
}

port.on('message', (message: ToSpeechThread) => {
  if (message.kind === 'synthesize') void synthesize(message);
  else running.get(message.id)?.abort();
});
post({ kind: 'ready' });
