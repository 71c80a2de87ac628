import { decodeMulaw, encodeMulaw, FRAME_BYTES, FRAME_MS, SAMPLE_RATE, SILENCE_BYTE } from '../../media-streams/index.js';

/** Where one utterance's speech fell, in ms on the simulator's clock (`performance.now()`). */
export interface SpokenUtterance {
  firstSpeechAt: number;
  lastSpeechAt: number;
}

/** RMS (of 32768) above which a caller frame counts as speech. */
const SPEECH_RMS = 300;

export function isSpeechFrame(frame: Uint8Array): boolean {
  const pcm = decodeMulaw(Buffer.from(frame));
  let sum = 0;
  for (const sample of pcm) sum += sample * sample;
  return Math.sqrt(sum / Math.max(pcm.length, 1)) > SPEECH_RMS;
}

/**
 * `seconds` of "speech" that voice-activity detection (ours, the fake Deepgram's) hears as an
 * utterance: a warbling tone, so load runs need no espeak. Mu-law 8 kHz.
 */
export function warbledSpeech(seconds = 1.5): Buffer {
  const samples = Math.round(SAMPLE_RATE * seconds);
  const pcm = new Int16Array(samples);
  for (let i = 0; i < samples; i += 1) pcm[i] = Math.round(6000 * Math.sin((2 * Math.PI * (180 + 60 * Math.sin(i / 900)) * i) / SAMPLE_RATE));
  return encodeMulaw(pcm);
}

/**
 * The caller's side of the line: like a real phone stream it sends a frame every 20 ms for the
 * whole call — the utterance being spoken, otherwise silence — because the far end's endpointing
 * hears silence, not the absence of packets. `speed` > 1 sends faster than real time (tests).
 */
export class CallerMicrophone {
  readonly #send: (frame: Buffer) => void;
  readonly #frameIntervalMs: number;
  readonly #silence = Buffer.alloc(FRAME_BYTES, SILENCE_BYTE);
  #current: { frames: Buffer[]; index: number; spoken: Partial<SpokenUtterance>; done: (spoken: SpokenUtterance) => void } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #ticks = 0;

  constructor(send: (frame: Buffer) => void, options: { speed?: number } = {}) {
    this.#send = send;
    this.#frameIntervalMs = FRAME_MS / (options.speed ?? 1);
  }

  start(): void {
    this.#startedAt = performance.now();
    this.#schedule();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  get speaking(): boolean {
    return this.#current !== undefined;
  }

  /** Speaks `audio` (mu-law) from the next frame on; resolves when its last frame was sent. */
  say(audio: Buffer): Promise<SpokenUtterance> {
    const frames: Buffer[] = [];
    for (let offset = 0; offset < audio.length; offset += FRAME_BYTES) {
      const frame = Buffer.alloc(FRAME_BYTES, SILENCE_BYTE);
      audio.copy(frame, 0, offset, Math.min(offset + FRAME_BYTES, audio.length));
      frames.push(frame);
    }
    return new Promise((resolve) => {
      this.#current = { frames, index: 0, spoken: {}, done: resolve };
    });
  }

  #schedule(): void {
    const dueAt = this.#startedAt + this.#ticks * this.#frameIntervalMs;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, dueAt - performance.now()));
  }

  #tick(): void {
    this.#ticks += 1;
    const current = this.#current;
    if (!current) this.#send(this.#silence);
    else {
      const frame = current.frames[current.index++]!;
      this.#send(frame);
      if (isSpeechFrame(frame)) {
        const now = performance.now();
        current.spoken.firstSpeechAt ??= now;
        current.spoken.lastSpeechAt = now;
      }
      if (current.index >= current.frames.length) {
        this.#current = undefined;
        const now = performance.now();
        current.done({ firstSpeechAt: current.spoken.firstSpeechAt ?? now, lastSpeechAt: current.spoken.lastSpeechAt ?? now });
      }
    }
    if (this.#timer !== undefined) this.#schedule();
  }
}
