import type { BreakerStateName } from '../resilience/vendor-policy.js';
import { EventQueue } from './event-queue.js';
import type { SpeechToText, TranscriptEvent, TranscriptionEnd, TranscriptionOptions, TranscriptionStream } from './types.js';

export interface LocalSpeechToTextOptions {
  /** Voiced audio that starts speech, in ms. Default: 60. */
  minSpeechMs?: number;
  /** Silence that ends an utterance, in ms. Default: 1000. */
  utteranceEndMs?: number;
}

const BYTES_PER_MS = 8;
/**
 * Mean mu-law magnitude code (0–127, the byte with its bits un-inverted and the sign dropped)
 * above which audio counts as speech: code 40 is about ±650 of 32768, well above line noise.
 * Reading the codes directly keeps this stand-in free of a codec.
 */
const SPEECH_CODE = 40;

/**
 * Stands in for Deepgram when no key is configured. It hears when someone speaks
 * (`speechStarted`, `utteranceEnd`) but transcribes nothing: without Deepgram, calls are
 * answered in Twilio's `<Gather input="speech">` mode (DESIGN §3), and this only keeps the
 * media path (barge-in, the simulator) working.
 */
export function createLocalSpeechToText(options: LocalSpeechToTextOptions = {}): SpeechToText {
  return {
    kind: 'local',
    breakerState: (): BreakerStateName => 'closed',
    open: async (openOptions: TranscriptionOptions = {}) => new LocalStream(options, openOptions.signal),
  };
}

class LocalStream implements TranscriptionStream {
  readonly ended: Promise<TranscriptionEnd>;
  private readonly events = new EventQueue<TranscriptEvent>(() => this.end());
  private readonly minSpeechMs: number;
  private readonly utteranceEndMs: number;
  private resolveEnded!: (end: TranscriptionEnd) => void;
  private open = true;
  private heardMs = 0;
  private voicedRunMs = 0;
  private silentRunMs = 0;
  private speaking = false;
  private lastVoicedEndMs = 0;

  constructor(options: LocalSpeechToTextOptions, signal: AbortSignal | undefined) {
    this.minSpeechMs = options.minSpeechMs ?? 60;
    this.utteranceEndMs = options.utteranceEndMs ?? 1000;
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
    signal?.addEventListener('abort', () => this.end(), { once: true });
    if (signal?.aborted) this.end();
  }

  send(muLawAudio: Uint8Array): void {
    if (!this.open || muLawAudio.length === 0) return;
    let sum = 0;
    for (const byte of muLawAudio) sum += ~byte & 0x7f;
    const chunkMs = muLawAudio.length / BYTES_PER_MS;
    const startMs = this.heardMs;
    this.heardMs += chunkMs;
    if (sum / muLawAudio.length >= SPEECH_CODE) this.voiced(startMs, chunkMs);
    else this.silent(chunkMs);
  }

  private voiced(startMs: number, chunkMs: number): void {
    this.silentRunMs = 0;
    this.lastVoicedEndMs = this.heardMs;
    this.voicedRunMs += chunkMs;
    if (this.speaking || this.voicedRunMs < this.minSpeechMs) return;
    this.speaking = true;
    this.events.push({ type: 'speechStarted', atMs: startMs + chunkMs - this.voicedRunMs });
  }

  private silent(chunkMs: number): void {
    this.voicedRunMs = 0;
    if (!this.speaking) return;
    this.silentRunMs += chunkMs;
    if (this.silentRunMs < this.utteranceEndMs) return;
    this.speaking = false;
    this.events.push({ type: 'utteranceEnd', lastWordEndMs: this.lastVoicedEndMs });
  }

  /** Nothing is held back to flush: this stream has no transcript. */
  finalize(): void {}

  async close(): Promise<void> {
    this.end();
    await this.ended;
  }

  [Symbol.asyncIterator](): AsyncIterator<TranscriptEvent> {
    return this.events[Symbol.asyncIterator]();
  }

  private end(): void {
    if (!this.open) return;
    this.open = false;
    this.events.end();
    this.resolveEnded({ reason: 'closed' });
  }
}
