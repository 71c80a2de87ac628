/**
 * A buffered, single-consumer async iterable fed from callbacks (websocket messages). Values
 * pushed before anyone reads are kept, so no event is lost between two `next()` calls.
 * `end()` finishes iteration after the buffered values; `fail(error)` makes the next read throw
 * after them. Breaking out of `for await` stops buffering and calls `onReturn`.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  private readonly buffered: T[] = [];
  private waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  private finished: { error?: unknown } | undefined;
  private iterating = false;

  constructor(private readonly onReturn: () => void = () => undefined) {}

  push(value: T): void {
    if (this.finished) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value, done: false });
      return;
    }
    this.buffered.push(value);
  }

  end(): void {
    this.finish({});
  }

  fail(error: unknown): void {
    this.finish({ error });
  }

  private finish(how: { error?: unknown }): void {
    if (this.finished) return;
    this.finished = how;
    if (!this.waiting) return;
    const { resolve, reject } = this.waiting;
    this.waiting = undefined;
    if ('error' in how) reject(how.error);
    else resolve({ value: undefined, done: true });
  }

  private next(): Promise<IteratorResult<T>> {
    const value = this.buffered.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.finished) {
      if ('error' in this.finished) {
        const { error } = this.finished;
        // Report the failure once; later reads see a finished stream.
        this.finished = {};
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.iterating) throw new Error('EventQueue: only one consumer may iterate at a time');
    this.iterating = true;
    return {
      next: () => this.next(),
      return: async () => {
        this.iterating = false;
        this.buffered.length = 0;
        this.finish({});
        this.onReturn();
        return { value: undefined, done: true };
      },
    };
  }
}
