/**
 * Typed events for one call, consumable two ways: `on(type, listener)` for synchronous reactions
 * (barge-in must `clear` within the same tick that saw speech), or `iterate()` as an async
 * iterable of the whole typed union, Pipecat-style, for a stage that reads frames in order.
 *
 * An iterator whose reader falls behind keeps at most `maxBuffered` events; past that the oldest
 * droppable event (audio) goes, so a stuck reader costs bounded memory and never loses a DTMF
 * digit, mark or stop.
 */
export type TypedEvent = { type: string };

type Listener<E extends TypedEvent, T extends E['type']> = (event: Extract<E, { type: T }>) => void;

export interface EventChannelOptions<E extends TypedEvent> {
  /** Reports a listener that threw; the others still run. */
  onListenerError: (error: unknown, event: E) => void;
  /** Events an overflowing iterator may drop. */
  droppable: (event: E) => boolean;
  /** Reports the first drop of each iterator. */
  onOverflow: () => void;
}

interface Reader<E> {
  buffer: E[];
  maxBuffered: number;
  wake: (() => void) | undefined;
  warned: boolean;
}

export class EventChannel<E extends TypedEvent> {
  readonly #options: EventChannelOptions<E>;
  readonly #listeners = new Map<string, Set<(event: E) => void>>();
  readonly #readers = new Set<Reader<E>>();
  #ended = false;

  constructor(options: EventChannelOptions<E>) {
    this.#options = options;
  }

  /** Returns the unsubscribe function. */
  on<T extends E['type']>(type: T, listener: Listener<E, T>): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    const untyped = listener as (event: E) => void;
    set.add(untyped);
    return () => set.delete(untyped);
  }

  emit(event: E): void {
    if (this.#ended) return;
    const listeners = this.#listeners.get(event.type);
    // A snapshot only when there is more than one: a listener added meanwhile waits for the next
    // event. Audio has one listener and 50 events a second per call, so no array per frame.
    if (listeners?.size === 1) this.#call(listeners.values().next().value!, event);
    else if (listeners?.size) for (const listener of [...listeners]) this.#call(listener, event);
    for (const reader of this.#readers) this.#deliver(reader, event);
  }

  #call(listener: (event: E) => void, event: E): void {
    try {
      listener(event);
    } catch (error) {
      this.#options.onListenerError(error, event);
    }
  }

  /** No more events: iterators finish once they have read what is buffered. */
  end(): void {
    this.#ended = true;
    for (const reader of this.#readers) reader.wake?.();
  }

  /** Events from now on, starting with `first` (so a reader can begin with the call's start). */
  iterate(maxBuffered: number, first?: E): AsyncIterableIterator<E> {
    const reader: Reader<E> = { buffer: first ? [first] : [], maxBuffered, wake: undefined, warned: false };
    this.#readers.add(reader);
    const readers = this.#readers;
    const isEnded = () => this.#ended;
    const iterator: AsyncIterableIterator<E> = {
      async next(): Promise<IteratorResult<E>> {
        while (reader.buffer.length === 0 && !isEnded() && readers.has(reader)) {
          await new Promise<void>((resolve) => (reader.wake = resolve));
          reader.wake = undefined;
        }
        const event = reader.buffer.shift();
        if (event === undefined || !readers.has(reader)) {
          readers.delete(reader);
          return { done: true, value: undefined };
        }
        return { done: false, value: event };
      },
      async return(): Promise<IteratorResult<E>> {
        readers.delete(reader);
        reader.buffer.length = 0;
        reader.wake?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  #deliver(reader: Reader<E>, event: E): void {
    reader.buffer.push(event);
    if (reader.buffer.length > reader.maxBuffered) {
      const index = reader.buffer.findIndex(this.#options.droppable);
      if (index >= 0) reader.buffer.splice(index, 1);
      if (!reader.warned) {
        reader.warned = true;
        this.#options.onOverflow();
      }
    }
    reader.wake?.();
  }
}
