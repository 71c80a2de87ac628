/**
 * The audio of one spoken reply, read from the TTS (or the phrase cache) into memory as it
 * arrives, independently of playout. Playout reads it through `from(offsetBytes)`, so after a
 * false interruption (a cough, an "mm-hmm") the reply resumes where the caller stopped hearing
 * it without asking the vendor again; a real barge-in aborts the turn's signal, which ends the
 * synthesis too.
 */
export class ReplyAudio {
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  #finished = false;
  #failure: unknown;
  #wake: (() => void)[] = [];
  /** performance.now() when the first audio arrived. */
  firstByteAt: number | undefined;
  readonly reading: Promise<void>;
  /** Settles when the first audio arrived, or the synthesis ended without any (failed, aborted, empty). */
  readonly started: Promise<void>;
  #markStarted!: () => void;

  constructor(source: AsyncIterable<Buffer>, signal: AbortSignal) {
    this.started = new Promise<void>((resolve) => (this.#markStarted = resolve));
    this.reading = this.#read(source, signal);
  }

  get totalBytes(): number {
    return this.#bytes;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Audio from `offsetBytes` on, as it becomes available; ends with the synthesis. */
  async *from(offsetBytes: number, signal: AbortSignal): AsyncGenerator<Buffer> {
    let position = 0;
    let index = 0;
    while (!signal.aborted) {
      while (index < this.#chunks.length) {
        const chunk = this.#chunks[index++]!;
        const end = position + chunk.length;
        if (end > offsetBytes) yield chunk.subarray(Math.max(0, offsetBytes - position));
        position = end;
        if (signal.aborted) return;
      }
      if (this.#finished) {
        if (this.#failure !== undefined && position === 0) throw this.#failure;
        return;
      }
      await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
  }

  async #read(source: AsyncIterable<Buffer>, signal: AbortSignal): Promise<void> {
    try {
      for await (const chunk of source) {
        if (signal.aborted) break;
        if (chunk.length === 0) continue;
        this.firstByteAt ??= performance.now();
        this.#chunks.push(chunk);
        this.#bytes += chunk.length;
        this.#notify();
      }
    } catch (error) {
      // Kept for the reader: playout reports a failed playback, the session apologises.
      this.#failure = error;
    } finally {
      this.#finished = true;
      this.#notify();
    }
  }

  /** The synthesis failed before or during the audio. */
  get failure(): unknown {
    return this.#failure;
  }

  #notify(): void {
    if (this.firstByteAt !== undefined || this.#finished) this.#markStarted();
    for (const wake of this.#wake.splice(0)) wake();
  }
}
