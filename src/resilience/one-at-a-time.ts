/**
 * Work for one key runs one at a time inside this process, in arrival order; different keys run
 * side by side. Two texts from one customer arriving together would otherwise both read the
 * conversation, and all but one would lose the optimistic version check and start again.
 */
export class OneAtATime {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(key) ?? Promise.resolve();
    // Whatever the previous run did, this one goes next; its own result is what the caller gets.
    const mine = before.then(work, work);
    const tail = mine.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    try {
      return await mine;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
