import type { BreakerStateName } from '../resilience/vendor-policy.js';

/**
 * The speech ports the voice path depends on. Audio is always G.711 mu-law, 8 kHz mono, one
 * byte per sample, no header: what Twilio Media Streams carries, so nothing is resampled.
 * Vendor SDK types stop at the adapters; these shapes are all that leaves `src/speech/`.
 */

/** Words so far of the utterance in progress; replaced by the next interim or final. */
export interface InterimTranscript {
  type: 'interim';
  text: string;
  /** Offset of the transcribed audio from the start of the stream, in ms. */
  startMs: number;
  durationMs: number;
  confidence: number;
}

/** A settled piece of transcript; the next final continues after it. */
export interface FinalTranscript {
  type: 'final';
  text: string;
  /** True when the vendor's endpointing decided the caller stopped talking (end of a turn). */
  speechFinal: boolean;
  /** True when this final answers our `finalize()` rather than the vendor's own endpointing. */
  fromFinalize: boolean;
  startMs: number;
  durationMs: number;
  confidence: number;
  words: readonly TranscriptWord[];
}

export interface TranscriptWord {
  /** As spoken, with punctuation when the vendor adds it. */
  text: string;
  startMs: number;
  endMs: number;
  confidence: number;
}

/** The vendor's voice activity detector heard speech begin (barge-in may start here). */
export interface SpeechStartedEvent {
  type: 'speechStarted';
  /** Offset from the start of the stream, in ms. */
  atMs: number;
}

/** No words for the configured gap after the last word: the utterance is over. */
export interface UtteranceEndEvent {
  type: 'utteranceEnd';
  /** End of the last word heard, as an offset from the start of the stream, in ms. */
  lastWordEndMs: number;
}

export type TranscriptEvent = InterimTranscript | FinalTranscript | SpeechStartedEvent | UtteranceEndEvent;

/** How a transcription stream ended: we closed it, or the vendor failed (the error says how). */
export type TranscriptionEnd = { reason: 'closed' } | { reason: 'failed'; error: Error };

export interface TranscriptionOptions {
  /** Words to favour: the business's service and staff names. */
  keyterms?: readonly string[];
  /** Aborting closes the stream (like `close()`), and cancels a connect in progress. */
  signal?: AbortSignal;
}

/**
 * One call's live transcription. Events are read with `for await` by one consumer; iteration
 * ends when the stream is closed and throws the `SpeechVendorError` when the vendor drops it.
 */
export interface TranscriptionStream extends AsyncIterable<TranscriptEvent> {
  /** Forwards one chunk of caller audio (normally a 160-byte, 20 ms frame). Ignored once ended. */
  send(muLawAudio: Uint8Array): void;
  /** Asks the vendor to flush what it has heard as a final transcript now. */
  finalize(): void;
  /** Flushes, waits briefly for the last results, and closes. Safe to call more than once. */
  close(): Promise<void>;
  /** Settles (never rejects) when the stream has ended, saying why. */
  readonly ended: Promise<TranscriptionEnd>;
}

export interface SpeechToText {
  /** `deepgram` transcribes; `local` only hears when someone speaks (no words). */
  readonly kind: 'deepgram' | 'local';
  /** Opens a stream; rejects with a typed error when the vendor cannot be reached or refuses. */
  open(options?: TranscriptionOptions): Promise<TranscriptionStream>;
  /** The vendor's circuit breaker, so a call can choose the fallback mode before it starts. */
  breakerState(): BreakerStateName;
}

export interface SynthesisRequest {
  text: string;
  /** The voice to speak in; the configured default when absent. */
  voiceId?: string;
  /** Aborting cancels the request; iteration then ends quietly (the caller asked for it). */
  signal?: AbortSignal;
}

export interface TextToSpeech {
  readonly kind: 'elevenlabs' | 'local';
  /** The voice used when a request names none. */
  readonly defaultVoiceId: string;
  /**
   * Mu-law audio as it is synthesised, in chunks of any length (not frame-aligned: the pacer
   * frames it). The first chunk comes before the whole sentence is done. Throws a typed error
   * when the vendor fails, times out or stalls.
   */
  synthesize(request: SynthesisRequest): AsyncIterable<Buffer>;
  breakerState(): BreakerStateName;
  /**
   * Resolves once the vendor's client is loaded, so a synthesis starts at once; rejects when it
   * cannot be (the next synthesis tries again). Absent where there is nothing to load.
   */
  ready?(): Promise<void>;
}
