import type { TranscriptionStream } from '../../speech/index.js';

/**
 * Frames per write while the caller is quiet: 200 ms of audio, within the 20–250 ms a write that
 * Deepgram recommends for live streams (100 ms until session 4; each write is a websocket frame
 * and a syscall on the web thread, 50 calls × 5 a second fewer per 50 calls listening).
 */
export const QUIET_BATCH_FRAMES = 10;
/**
 * How long after the caller's speech stops every frame still goes at once, in ms of stream time:
 * Deepgram's endpointing (300 ms of silence) and UtteranceEnd (1000 ms without words) are decided
 * on these frames, and a late frame there is a late reply.
 */
const LIVE_AFTER_SPEECH_MS = 1500;

/**
 * Caller audio on its way to the transcription. A websocket write per 20 ms frame is the largest
 * single cost of a call in the web process (`npm run bench -- concurrency`, docs/benchmarks.md),
 * so while the local VAD says the caller has been quiet for a while — most of a call: they are
 * listening — frames go `QUIET_BATCH_FRAMES` at a time. From the caller's first loud frames (the VAD's
 * `speechStarted` flushes what is held) until `LIVE_AFTER_SPEECH_MS` after they stop, or until
 * their turn is taken if that is sooner, every frame goes at once, so neither end-of-turn
 * detection nor barge-in words wait.
 *
 * Without a local VAD (`batching: false`) every frame goes at once.
 */
export class TranscriptionFeed {
  readonly #stt: TranscriptionStream;
  readonly #batching: boolean;
  readonly #held: Buffer[] = [];
  #speaking = false;
  /** Stream time until which frames go at once; the call starts quiet. */
  #liveUntilMs = -Infinity;

  constructor(stt: TranscriptionStream, options: { batching: boolean }) {
    this.#stt = stt;
    this.#batching = options.batching;
  }

  audio(mulaw: Buffer, timestampMs: number): void {
    if (!this.#batching || this.#speaking || timestampMs < this.#liveUntilMs) {
      this.flush();
      this.#stt.send(mulaw);
      return;
    }
    this.#held.push(mulaw);
    if (this.#held.length >= QUIET_BATCH_FRAMES) this.flush();
  }

  speechStarted(): void {
    this.#speaking = true;
    this.flush();
  }

  speechStopped(atMs: number): void {
    this.#speaking = false;
    this.#liveUntilMs = atMs + LIVE_AFTER_SPEECH_MS;
  }

  /**
   * The caller's turn was taken: Deepgram's end-of-speech signals for it have done their work, so
   * frames may go in batches again without waiting out `LIVE_AFTER_SPEECH_MS` (about 40 writes
   * fewer a turn). The caller speaking again makes every frame go at once, as before.
   */
  turnTaken(): void {
    if (!this.#speaking) this.#liveUntilMs = -Infinity;
  }

  /** Sends what is held, in order. */
  flush(): void {
    if (this.#held.length === 0) return;
    const audio = this.#held.length === 1 ? this.#held[0]! : Buffer.concat(this.#held);
    this.#held.length = 0;
    this.#stt.send(audio);
  }
}
