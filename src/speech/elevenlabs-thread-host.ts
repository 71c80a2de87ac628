import { Worker } from 'node:worker_threads';
import type { ElevenLabsClientSettings, FromSpeechThread, SynthesisFailure, ToSpeechThread } from './elevenlabs-thread-protocol.js';

/** What one synthesis asks of the thread. */
export interface SynthesisAsk {
  client: ElevenLabsClientSettings;
  voiceId: string;
  text: string;
  modelId: string;
  optimizeStreamingLatency: number;
}

/** The thread reported that a request failed, or the thread itself stopped under it. */
export class SynthesisFailed extends Error {
  constructor(readonly failure: SynthesisFailure) {
    super(failure.message);
  }
}

/**
 * One synthesis running on the thread: its body chunks in order, as they arrive. Nothing
 * throttles the thread (a sentence is seconds of 8 kHz audio, kilobytes), so chunks wait here
 * until read.
 */
export class RemoteSynthesis {
  readonly #chunks: Buffer[] = [];
  #ended = false;
  #failure: SynthesisFailed | undefined;
  #wake: (() => void) | undefined;

  constructor(private readonly cancelOnThread: () => void) {}

  /** The next chunk, `undefined` at the end of the body; rejects with `SynthesisFailed`. */
  async next(): Promise<Buffer | undefined> {
    while (this.#chunks.length === 0 && !this.#ended && !this.#failure) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    const chunk = this.#chunks.shift();
    if (chunk) return chunk;
    if (this.#failure) throw this.#failure;
    return undefined;
  }

  /** Stops the request on the thread and drops what it sent; `next` answers the end from now on. */
  cancel(): void {
    if (this.#ended || this.#failure) return;
    this.#ended = true;
    this.#chunks.length = 0;
    this.cancelOnThread();
    this.#wakeReader();
  }

  /** @internal the host's side */
  deliver(message: FromSpeechThread): void {
    if (message.kind === 'audio') this.#chunks.push(Buffer.from(message.chunk));
    else if (message.kind === 'end') this.#ended = true;
    else if (message.kind === 'failed') this.#failure = new SynthesisFailed(message.failure);
    this.#wakeReader();
  }

  #wakeReader(): void {
    this.#wake?.();
    this.#wake = undefined;
  }

  /** @internal true once nothing more will come */
  get settled(): boolean {
    return this.#ended || this.#failure !== undefined;
  }
}

/**
 * The process's one ElevenLabs thread (`elevenlabs-thread.ts`), started on first use and shared
 * by every ElevenLabs voice: the SDK is loaded once, off the web thread's heap. It does not keep
 * the process alive. If it stops (a crash), what was running on it fails and the next request
 * starts a new one.
 */
export class ElevenLabsThreadHost {
  static #shared: ElevenLabsThreadHost | undefined;

  static shared(): ElevenLabsThreadHost {
    ElevenLabsThreadHost.#shared ??= new ElevenLabsThreadHost();
    return ElevenLabsThreadHost.#shared;
  }

  readonly #running = new Map<number, RemoteSynthesis>();
  #worker: Worker | undefined;
  #ready: Promise<void> | undefined;
  #nextId = 1;

  /**
   * Resolves once the thread has loaded the SDK (about a second the first time). Waiting here
   * is not the vendor's time: callers wait before their vendor timeout starts.
   */
  ready(): Promise<void> {
    if (!this.#ready) this.#start();
    return this.#ready!;
  }

  /** Starts a synthesis on the thread; call after `ready()`. */
  synthesize(ask: SynthesisAsk): RemoteSynthesis {
    const worker = this.#worker;
    const id = this.#nextId++;
    const remote = new RemoteSynthesis(() => {
      this.#running.delete(id);
      this.#post({ kind: 'cancel', id });
    });
    if (!worker) {
      remote.deliver({ kind: 'failed', id, failure: { timedOut: false, status: undefined, message: 'the ElevenLabs thread is not running' } });
      return remote;
    }
    this.#running.set(id, remote);
    this.#post({ kind: 'synthesize', id, ...ask });
    return remote;
  }

  /**
   * Stops the thread as a crash would: what runs on it fails (as disconnected once audio has
   * flowed) and the next synthesis starts a new thread.
   */
  async stop(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#stopped(worker, 'the ElevenLabs thread was stopped');
    await worker.terminate();
  }

  #post(message: ToSpeechThread): void {
    this.#worker?.postMessage(message);
  }

  #start(): void {
    // Under tsx (npm start, tests) this module is TypeScript and so is its neighbour; built, both are JavaScript.
    const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    const worker = new Worker(new URL(`./elevenlabs-thread.${extension}`, import.meta.url));
    this.#worker = worker;
    this.#ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromSpeechThread) => {
        if (message.kind === 'ready') return resolve();
        const remote = this.#running.get(message.id);
        if (!remote) return;
        remote.deliver(message);
        if (remote.settled) this.#running.delete(message.id);
      });
      worker.once('error', (error) => {
        reject(error);
        this.#stopped(worker, `the ElevenLabs thread failed: ${error.message}`);
      });
      worker.once('exit', (code) => {
        reject(new Error(`the ElevenLabs thread exited with code ${code} before it was ready`));
        this.#stopped(worker, `the ElevenLabs thread exited with code ${code}`);
      });
    });
    // After the listeners: adding a 'message' listener refs the thread again.
    worker.unref();
    // Nobody may be waiting yet; a start that fails is reported to the next caller of `ready`.
    this.#ready.catch(() => undefined);
  }

  /** `worker` has stopped; a thread already replaced (its exit coming after its error) changes nothing. */
  #stopped(worker: Worker, message: string): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    this.#ready = undefined;
    const running = [...this.#running];
    this.#running.clear();
    for (const [id, remote] of running) remote.deliver({ kind: 'failed', id, failure: { timedOut: false, status: undefined, message } });
  }
}
