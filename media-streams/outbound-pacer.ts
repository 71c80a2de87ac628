/**
 * Paces one call's outbound audio: whole 160-byte frames, one per 20 ms tick of the shared
 * `FrameClock`, with marks sent right after the last frame before them.
 *
 * Twilio plays what it receives as soon as it can and buffers the rest; sending faster than real
 * time would fill its buffer with audio that a barge-in `clear` must then throw away, and sending
 * slower leaves gaps. The pacer keeps a frame credit: one credit per tick (a late tick brings
 * several, so timing catches up instead of drifting), capped so that after idle time it may send
 * only the first frame at once (no added latency) and never a burst.
 */
import type { FrameTicker } from './frame-clock.js';
import { FRAME_BYTES, FRAME_MS, SILENCE_BYTE } from './mulaw.js';

export interface FrameSink {
  sendFrame(frame: Buffer): void;
  sendMark(name: string): void;
}

export interface OutboundPacerOptions {
  /**
   * Most frames sent in one wake-up to catch up after the event loop stalled. Default 5 (100 ms):
   * beyond that the stall is audible anyway and a burst only fills Twilio's buffer.
   */
  maxCatchUpFrames?: number;
}

type QueueItem = { kind: 'audio'; bytes: Buffer } | { kind: 'mark'; name: string };

export class OutboundPacer {
  readonly #clock: FrameTicker;
  readonly #sink: FrameSink;
  readonly #maxCatchUpFrames: number;
  readonly #queue: QueueItem[] = [];
  /** Audio bytes waiting (marks excluded). */
  #queuedBytes = 0;
  /** Bytes since the last frame boundary that a mark or `flush` forced. */
  #openRunBytes = 0;
  #credit = 1;
  #unsubscribe: (() => void) | undefined;
  #closed = false;

  constructor(clock: FrameTicker, sink: FrameSink, options: OutboundPacerOptions = {}) {
    this.#clock = clock;
    this.#sink = sink;
    this.#maxCatchUpFrames = options.maxCatchUpFrames ?? 5;
  }

  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  get queuedMs(): number {
    return (this.#queuedBytes / FRAME_BYTES) * FRAME_MS;
  }

  /** True while frames or marks are waiting to go out. */
  get busy(): boolean {
    return this.#queue.length > 0;
  }

  /** Queues mu-law bytes; any length. A partial frame waits for more bytes or a boundary. */
  push(bytes: Uint8Array): void {
    if (this.#closed || bytes.length === 0) return;
    // Copy: the caller may reuse its buffer (TTS streams often do).
    this.#queue.push({ kind: 'audio', bytes: Buffer.from(bytes) });
    this.#queuedBytes += bytes.length;
    this.#openRunBytes += bytes.length;
    this.#wake();
  }

  /** Ends the current run of audio: a partial last frame is padded with silence (0xFF). */
  flush(): void {
    if (this.#closed) return;
    const partial = this.#openRunBytes % FRAME_BYTES;
    this.#openRunBytes = 0;
    if (partial === 0) return;
    const padding = Buffer.alloc(FRAME_BYTES - partial, SILENCE_BYTE);
    this.#queue.push({ kind: 'audio', bytes: padding });
    this.#queuedBytes += padding.length;
    this.#wake();
  }

  /** Queues a mark after the audio queued so far (padding its last frame). */
  pushMark(name: string): void {
    if (this.#closed) return;
    this.flush();
    this.#queue.push({ kind: 'mark', name });
    this.#wake();
  }

  /** Drops everything queued, at once. The caller sends Twilio's `clear` itself. */
  clear(): void {
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    this.#openRunBytes = 0;
  }

  close(): void {
    this.#closed = true;
    this.clear();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Sends what the current credit allows now, and rides the clock while anything waits. */
  #wake(): void {
    this.#drain();
    if (this.busy && !this.#unsubscribe) {
      this.#unsubscribe = this.#clock.subscribe((elapsedTicks) => this.#onTick(elapsedTicks));
    }
  }

  #onTick(elapsedTicks: number): void {
    // Catch up only when audio was actually waiting; after an underrun (the TTS was slower than
    // real time) the next frame simply goes out on the next tick.
    const cap = this.#frameReady() ? this.#maxCatchUpFrames : 1;
    this.#credit = Math.min(this.#credit + elapsedTicks, cap);
    this.#drain();
    // Stay subscribed until the credit is back to one, so a frame queued right after the last
    // one cannot go out less than a period later.
    if (!this.busy && this.#credit >= 1) {
      this.#unsubscribe?.();
      this.#unsubscribe = undefined;
    }
  }

  #drain(): void {
    this.#sendLeadingMarks();
    while (this.#credit >= 1 && this.#frameReady()) {
      this.#credit -= 1;
      this.#sink.sendFrame(this.#takeFrame());
      this.#sendLeadingMarks();
    }
  }

  #sendLeadingMarks(): void {
    for (let head = this.#queue[0]; head?.kind === 'mark'; head = this.#queue[0]) {
      this.#queue.shift();
      this.#sink.sendMark(head.name);
    }
  }

  /**
   * A frame is ready when 160 bytes are queued before the next mark. Runs before a mark are
   * padded to whole frames by `flush`, so only the open run at the tail can be short.
   */
  #frameReady(): boolean {
    let bytes = 0;
    for (const item of this.#queue) {
      if (item.kind === 'mark') return false;
      bytes += item.bytes.length;
      if (bytes >= FRAME_BYTES) return true;
    }
    return false;
  }

  #takeFrame(): Buffer {
    const head = this.#queue[0];
    // Usual case (TTS chunks are hundreds of bytes): the frame is a view of the queued copy, no
    // allocation and no copy per frame.
    if (head?.kind === 'audio' && head.bytes.length >= FRAME_BYTES) {
      const frame = head.bytes.subarray(0, FRAME_BYTES);
      if (head.bytes.length === FRAME_BYTES) this.#queue.shift();
      else head.bytes = head.bytes.subarray(FRAME_BYTES);
      this.#queuedBytes -= FRAME_BYTES;
      return frame;
    }
    const frame = Buffer.allocUnsafe(FRAME_BYTES);
    let filled = 0;
    while (filled < FRAME_BYTES) {
      const head = this.#queue[0];
      if (head?.kind !== 'audio') throw new Error('pacer queue lost frame alignment');
      const take = Math.min(FRAME_BYTES - filled, head.bytes.length);
      head.bytes.copy(frame, filled, 0, take);
      filled += take;
      if (take === head.bytes.length) this.#queue.shift();
      else head.bytes = head.bytes.subarray(take);
    }
    this.#queuedBytes -= FRAME_BYTES;
    return frame;
  }
}
