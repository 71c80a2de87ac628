/**
 * Plays audio to the caller in order, one playback after another, and learns how much of each
 * the caller actually heard. Twilio echoes a mark once the audio sent before it has played, so
 * every playback carries progress marks every `progressMarkMs` (at frame boundaries, so they add
 * no padding) and an end mark; the last echoed one says how far the caller got.
 *
 * After a `clear`, Twilio echoes every outstanding mark at once, so an echo that arrives after
 * our `clear` cannot tell "played just before" from "discarded": it counts as not heard. That
 * errs by at most one progress interval, on the side of repeating rather than assuming.
 */
import type { MediaStreamLogger } from './logger.js';
import { FRAME_BYTES, FRAME_MS } from './mulaw.js';
import type { FrameSink, OutboundPacer } from './outbound-pacer.js';

export type AudioSource = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

export interface PlayOptions {
  /** A mark sent after this audio; it comes back as a `mark` event once the caller heard it all. */
  mark?: string;
  /** Stops reading the source; audio already queued still plays (use `clear` to cut it). */
  signal?: AbortSignal;
}

export type PlaybackOutcome = 'played' | 'cleared' | 'aborted' | 'failed' | 'closed';

export interface PlaybackResult {
  outcome: PlaybackOutcome;
  /** Audio the caller heard, by Twilio's echoes (a lower bound, rounded to progress marks). */
  heardMs: number;
  /** Audio queued for this playback (without the silence padding its last frame). */
  queuedMs: number;
}

export interface Playback {
  readonly id: number;
  readonly done: Promise<PlaybackResult>;
}

export interface PlayoutOptions {
  /** Spacing of progress marks. Default 200 ms; 0 sends only the end mark. */
  progressMarkMs?: number;
  /** Stop reading sources while this much audio waits in the pacer. Default 2000 ms. */
  highWaterMs?: number;
}

/** Our own mark names start with this; `mark(name)` refuses it for callers. */
export const INTERNAL_MARK_PREFIX = '~fd:';

interface PlaybackState {
  id: number;
  source: AudioSource;
  options: PlayOptions;
  queuedBytes: number;
  heardMs: number;
  finished: boolean;
  resolve: (result: PlaybackResult) => void;
}

export type MarkEcho =
  | { kind: 'internal' }
  | { kind: 'user'; name: string; played: boolean }
  | { kind: 'unknown'; name: string };

export class Playout implements FrameSink {
  readonly #pacer: () => OutboundPacer;
  readonly #sink: FrameSink;
  readonly #logger: MediaStreamLogger;
  readonly #progressBytes: number;
  readonly #highWaterMs: number;
  readonly #waiting: PlaybackState[] = [];
  /** Marks queued or sent and not echoed yet, by name, with the playback and offset they mean. */
  readonly #pendingMarks = new Map<string, { playback?: PlaybackState; heardMs: number; sent: boolean }>();
  /** Sent before our last `clear`: their echoes do not mean "heard". */
  readonly #discardedMarks = new Set<string>();
  /** Playbacks not finished yet: waiting, being read, or queued and not yet heard to the end. */
  readonly #active = new Set<PlaybackState>();
  #nextId = 1;
  #feeding: Promise<void> | undefined;
  #feederRunning = false;
  #wakeFeeder: (() => void) | undefined;
  #closed = false;

  /** `pacer` is a getter because the pacer's sink is this playout (they are built together). */
  constructor(pacer: () => OutboundPacer, sink: FrameSink, logger: MediaStreamLogger, options: PlayoutOptions = {}) {
    this.#pacer = pacer;
    this.#sink = sink;
    this.#logger = logger;
    const progressFrames = Math.round((options.progressMarkMs ?? 200) / FRAME_MS);
    this.#progressBytes = progressFrames * FRAME_BYTES;
    this.#highWaterMs = options.highWaterMs ?? 2000;
  }

  /** True while any playback is queued or still being heard. */
  get playing(): boolean {
    return this.#active.size > 0;
  }

  play(source: AudioSource, options: PlayOptions = {}): Playback {
    const id = this.#nextId++;
    let resolve!: (result: PlaybackResult) => void;
    const done = new Promise<PlaybackResult>((r) => (resolve = r));
    const state: PlaybackState = { id, source, options, queuedBytes: 0, heardMs: 0, finished: false, resolve };
    this.#active.add(state);
    if (this.#closed) this.#finish(state, 'closed');
    else {
      this.#waiting.push(state);
      if (!this.#feederRunning) this.#feeding = this.#feed();
    }
    return { id, done };
  }

  /** A named mark after everything queued so far, outside any playback. */
  mark(name: string): void {
    if (name.startsWith(INTERNAL_MARK_PREFIX)) throw new Error(`mark names may not start with ${INTERNAL_MARK_PREFIX}`);
    this.#queueMark(name, undefined, 0);
  }

  /** Ends every playback at once; the caller sends Twilio's `clear`. */
  clear(): void {
    this.#pacer().clear();
    for (const [name, pending] of this.#pendingMarks) {
      if (pending.sent) this.#discardedMarks.add(name);
    }
    this.#pendingMarks.clear();
    this.#cancelAll('cleared');
  }

  close(): void {
    this.#closed = true;
    this.#pendingMarks.clear();
    this.#cancelAll('closed');
  }

  /** Classifies a mark Twilio echoed, updating what the caller heard. */
  onMarkEcho(name: string): MarkEcho {
    const internal = name.startsWith(INTERNAL_MARK_PREFIX);
    if (this.#discardedMarks.delete(name)) return internal ? { kind: 'internal' } : { kind: 'user', name, played: false };
    const pending = this.#pendingMarks.get(name);
    if (!pending) return { kind: 'unknown', name };
    this.#pendingMarks.delete(name);
    const playback = pending.playback;
    if (playback && !playback.finished) {
      playback.heardMs = Math.max(playback.heardMs, pending.heardMs);
      if (name === endMarkName(playback.id)) this.#finish(playback, 'played');
    }
    return internal ? { kind: 'internal' } : { kind: 'user', name, played: true };
  }

  sendFrame(frame: Buffer): void {
    this.#sink.sendFrame(frame);
    if (this.#pacer().queuedMs < this.#highWaterMs / 2) this.#wakeFeeder?.();
  }

  sendMark(name: string): void {
    const pending = this.#pendingMarks.get(name);
    if (pending) pending.sent = true;
    this.#sink.sendMark(name);
  }

  /** The one task that reads sources into the pacer, playback after playback. */
  async #feed(): Promise<void> {
    // Set and reset synchronously, so `play` never sees a feeder that has already left its loop.
    this.#feederRunning = true;
    try {
      for (let next = this.#waiting.shift(); next; next = this.#waiting.shift()) {
        if (next.finished) continue;
        try {
          await this.#feedOne(next);
        } catch (error) {
          this.#logger.warn({ err: error, playbackId: next.id }, 'media stream playback source failed');
          this.#pacer().flush();
          this.#finish(next, 'failed');
        }
      }
    } finally {
      this.#feederRunning = false;
    }
  }

  /** Resolves once the feeder has stopped reading sources (after `clear` or `close`). */
  async settled(): Promise<void> {
    await this.#feeding;
  }

  async #feedOne(playback: PlaybackState): Promise<void> {
    const source = playback.source;
    if (source instanceof Uint8Array) {
      // Audio in hand (a cached phrase) is queued in the caller's own tick, so with nothing
      // playing its first frame goes out from `play` itself, not after a generator's hops.
      this.#pushWithProgress(playback, source);
      await this.#belowHighWater(playback);
    } else {
      for await (const chunk of this.#chunks(source, playback)) {
        if (playback.finished) return;
        this.#pushWithProgress(playback, chunk);
        await this.#belowHighWater(playback);
      }
    }
    if (playback.finished) return;
    const queuedMs = playback.queuedBytes / (FRAME_BYTES / FRAME_MS);
    this.#queueMark(endMarkName(playback.id), playback, queuedMs);
    if (playback.options.mark !== undefined) this.#queueMark(playback.options.mark, playback, queuedMs);
    if (playback.options.signal?.aborted) this.#finish(playback, 'aborted');
  }

  async *#chunks(source: Exclude<AudioSource, Uint8Array>, playback: PlaybackState): AsyncGenerator<Uint8Array> {
    const { options } = playback;
    // `for await` stops reading at the next chunk after an abort; a source stuck forever is the
    // source's owner's to abort (it holds the same signal).
    for await (const chunk of source) {
      if (options.signal?.aborted || playback.finished) return;
      yield chunk;
    }
  }

  #pushWithProgress(playback: PlaybackState, chunk: Uint8Array): void {
    const pacer = this.#pacer();
    let offset = 0;
    while (offset < chunk.length) {
      const untilMark = this.#progressBytes > 0 ? this.#progressBytes - (playback.queuedBytes % this.#progressBytes) : Infinity;
      const take = Math.min(untilMark, chunk.length - offset);
      pacer.push(chunk.subarray(offset, offset + take));
      offset += take;
      playback.queuedBytes += take;
      if (this.#progressBytes > 0 && playback.queuedBytes % this.#progressBytes === 0) {
        const heardMs = playback.queuedBytes / (FRAME_BYTES / FRAME_MS);
        this.#queueMark(`${INTERNAL_MARK_PREFIX}${playback.id}:${heardMs}`, playback, heardMs);
      }
    }
  }

  #queueMark(name: string, playback: PlaybackState | undefined, heardMs: number): void {
    if (this.#closed) return;
    this.#pendingMarks.set(name, playback ? { playback, heardMs, sent: false } : { heardMs, sent: false });
    this.#pacer().pushMark(name);
  }

  async #belowHighWater(playback: PlaybackState): Promise<void> {
    while (!playback.finished && this.#pacer().queuedMs >= this.#highWaterMs) {
      await new Promise<void>((resolve) => (this.#wakeFeeder = resolve));
      this.#wakeFeeder = undefined;
    }
  }

  #cancelAll(outcome: PlaybackOutcome): void {
    this.#waiting.length = 0;
    for (const playback of [...this.#active]) this.#finish(playback, outcome);
    this.#wakeFeeder?.();
  }

  #finish(playback: PlaybackState, outcome: PlaybackOutcome): void {
    if (playback.finished) return;
    playback.finished = true;
    this.#active.delete(playback);
    const queuedMs = Math.round(playback.queuedBytes / (FRAME_BYTES / FRAME_MS));
    playback.resolve({ outcome, heardMs: outcome === 'played' ? queuedMs : playback.heardMs, queuedMs });
  }
}

function endMarkName(playbackId: number): string {
  return `${INTERNAL_MARK_PREFIX}${playbackId}:end`;
}
