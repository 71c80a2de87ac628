import { DeepgramClient } from '@deepgram/sdk';
import type { Logger } from '../observability/logger.js';
import type { VendorPolicy } from '../resilience/vendor-policy.js';
import { DeepgramTranscriptionStream, type ListenSocket } from './deepgram-stream.js';
import { SpeechVendorError } from './errors.js';
import type { SpeechToText, TranscriptionOptions, TranscriptionStream } from './types.js';
import { openUnderPolicy } from './vendor-stream.js';

export interface DeepgramSpeechToTextOptions {
  apiKey: string;
  /** DEEPGRAM_URL: moves both REST and the websocket (`http://127.0.0.1:PORT` works). Deepgram's own when absent. */
  baseUrl?: string | undefined;
  /** The `deepgram` policy: its timeout bounds connecting, its breaker counts refusals and drops. */
  policy: VendorPolicy;
  logger: Logger;
  /** Default: `nova-3` (keyterms need it). */
  model?: string;
  /** Silence that ends speech (Deepgram's `endpointing`, sets `speech_final`), in ms. Default: 300. */
  endpointingMs?: number;
  /** Gap without words that ends an utterance (`UtteranceEnd`), in ms; Deepgram's minimum is 1000. Default: 1000. */
  utteranceEndMs?: number;
  /** Send KeepAlive after this long without audio (Deepgram closes after ~10 s), in ms. Default: 3000. */
  keepAliveIntervalMs?: number;
  /** How long `close()` waits for the last results before hanging up, in ms. Default: 2000. */
  closeTimeoutMs?: number;
}

const DEFAULTS = { model: 'nova-3', endpointingMs: 300, utteranceEndMs: 1000, keepAliveIntervalMs: 3000, closeTimeoutMs: 2000 };
/** The SDK's own connect timeout; set above any policy timeout so the policy's is the one that fires. */
const SDK_CONNECT_TIMEOUT_SECONDS = 60;

/** Live transcription over `@deepgram/sdk` (PROTOCOLS.md, "Deepgram live transcription"). */
export function createDeepgramSpeechToText(options: DeepgramSpeechToTextOptions): SpeechToText {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  // Reconnects are ours to decide (a dropped stream must surface, not be hidden by 30 retries).
  const client = new DeepgramClient({ apiKey: options.apiKey, baseUrl: options.baseUrl, reconnect: false });
  const logger = options.logger.child({ dependency: 'deepgram' });

  async function connect(signal: AbortSignal, keyterms: readonly string[]): Promise<ListenSocket> {
    const socket = await client.listen.v1.connect({
      model: settings.model,
      encoding: 'mulaw',
      sample_rate: 8000,
      channels: 1,
      interim_results: 'true',
      endpointing: settings.endpointingMs,
      utterance_end_ms: settings.utteranceEndMs,
      vad_events: 'true',
      smart_format: 'true',
      keyterm: keyterms.length > 0 ? [...keyterms] : undefined,
      reconnectAttempts: 0,
      shouldReconnect: () => false,
      connectionTimeoutInSeconds: SDK_CONNECT_TIMEOUT_SECONDS,
      abortSignal: signal,
    });
    socket.connect();
    await untilOpen(socket, signal);
    return socket;
  }

  return {
    kind: 'deepgram',
    breakerState: () => options.policy.state(),
    async open(openOptions: TranscriptionOptions = {}): Promise<TranscriptionStream> {
      const keyterms = cleanKeyterms(openOptions.keyterms ?? []);
      const opened = await openUnderPolicy(options.policy, (signal) => connect(signal, keyterms), openOptions.signal, {
        idempotent: true,
      });
      if (opened.cancelled) throw openOptions.signal?.reason ?? new DOMException('transcription cancelled', 'AbortError');
      // From here the stream answers the caller's signal itself (a close of its own, not a drop).
      opened.unlinkCaller();
      return new DeepgramTranscriptionStream(opened.value, {
        policy: options.policy,
        logger,
        keepAliveIntervalMs: settings.keepAliveIntervalMs,
        closeTimeoutMs: settings.closeTimeoutMs,
        signal: openOptions.signal,
      });
    },
  };
}

/**
 * Resolves when the socket opens; rejects when the upgrade is refused, the socket closes first,
 * or `signal` aborts (the SDK's own `waitForOpen` never settles on abort).
 */
function untilOpen(socket: ListenSocket, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const refused = (error: Error) => reject(refusal(error));
    socket.on('open', () => resolve());
    socket.on('error', refused);
    // The SDK reports a failed upgrade as a close immediately followed by the error that says
    // why: let the error win, and fall back to the close when no error follows.
    socket.on('close', (event) =>
      queueMicrotask(() =>
        reject(new SpeechVendorError('deepgram', 'refused', `Deepgram closed the connection before it opened (code ${event.code})`, { closeCode: event.code })),
      ),
    );
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** The `ws` library reports a refused upgrade as "Unexpected server response: 401". */
function refusal(error: Error): SpeechVendorError {
  const status = /Unexpected server response: (\d{3})/.exec(error.message)?.[1];
  const code = status === undefined ? undefined : Number(status);
  const message = code === undefined
    ? `Deepgram connection failed: ${error.message}`
    : `Deepgram refused the connection with HTTP ${code}${code === 401 || code === 403 ? ': check DEEPGRAM_API_KEY' : ''}`;
  return new SpeechVendorError('deepgram', 'refused', message, { cause: error, ...(code === undefined ? {} : { status: code }) });
}

/** Deepgram limits keyterms to a few words each; empty and duplicate terms are dropped. */
function cleanKeyterms(terms: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const term of terms) {
    const trimmed = term.trim().replace(/\s+/g, ' ');
    if (trimmed !== '') seen.add(trimmed);
  }
  return [...seen];
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
