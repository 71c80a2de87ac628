import { Worker } from 'node:worker_threads';

/**
 * A worker thread that answers each request with one message (`{ error }` when it failed): the
 * callers' side of load runs (the concurrency benchmark, fault #16's soak) runs on one so its work
 * is charged neither to the web thread's event loop nor to its heap.
 */
export class WorkerPeer {
  readonly #worker: Worker;

  constructor(module: URL) {
    this.#worker = new Worker(module);
  }

  /** Posts `request` (when given) and resolves with the thread's next message. */
  ask<T>(request?: unknown): Promise<T> {
    if (request !== undefined) this.#worker.postMessage(request);
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.#worker.once('error', onError);
      this.#worker.once('message', (message: T & { error?: string }) => {
        this.#worker.off('error', onError);
        if (message.error) reject(new Error(message.error));
        else resolve(message);
      });
    });
  }

  /** Posts `request` (the thread's cue to clean up and close its port) and waits for the thread to end. */
  async close(request: unknown): Promise<void> {
    const exited = new Promise((resolve) => this.#worker.once('exit', resolve));
    this.#worker.postMessage(request);
    await exited;
  }
}
