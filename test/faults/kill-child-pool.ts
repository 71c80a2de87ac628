import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { KillChildConfig } from './kill-child.js';

const CHILD_SOURCE = 'test/faults/kill-child.ts';

/**
 * How to start `kill-child.ts`: the node binary itself (not the tsx wrapper, which would leave its
 * own child running when killed). The child is bundled once with esbuild (tsx's own compiler,
 * packages left external): loading it then costs about half the CPU of loading it through tsx's
 * hooks file by file, which counts when a test starts a hundred of them. Without esbuild, tsx.
 */
export function childCommand(): { args: string[]; cleanup(): void } {
  try {
    const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx'))('esbuild') as typeof import('esbuild');
    // Inside the project, so the external packages resolve from node_modules.
    const folder = join('node_modules', '.cache', 'frontdesk-faults');
    mkdirSync(folder, { recursive: true });
    const outfile = join(folder, `kill-child-${process.pid}-${Date.now()}.mjs`);
    esbuild.buildSync({
      entryPoints: [CHILD_SOURCE],
      outfile,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node22',
      logLevel: 'error',
    });
    return { args: [outfile], cleanup: () => rmSync(outfile, { force: true }) };
  } catch {
    return { args: ['--import', 'tsx', CHILD_SOURCE], cleanup: () => undefined };
  }
}

/** One `kill-child.ts` process and the lines it prints. */
export class KillChild {
  readonly process: ChildProcess;
  /** Resolves once every module is loaded (the child then waits for `start`). */
  readonly loaded: Promise<void>;
  private readonly listeners = new Set<(line: string) => void>();
  private readonly exited: Promise<void>;

  constructor(args: string[], config: KillChildConfig) {
    this.process = spawn(process.execPath, [...args, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'] });
    // Writing to a process just killed fails with EPIPE; the kill is the point, not the write.
    this.process.stdin!.on('error', () => undefined);
    this.exited = once(this.process, 'exit').then(() => undefined);
    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      for (const listener of this.listeners) listener(line);
    });
    this.loaded = this.next((line) => line === 'loaded').then(() => undefined);
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Every line from now on. */
  onLine(listener: (line: string) => void): void {
    this.listeners.add(listener);
  }

  /** The first line from now on that `matches`; rejects if the process ends first. */
  next(matches: (line: string) => boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      const listener = (line: string) => {
        if (!matches(line)) return;
        this.listeners.delete(listener);
        resolve(line);
      };
      this.listeners.add(listener);
      this.exited.then(() => {
        this.listeners.delete(listener);
        reject(new Error(`kill-child ${this.process.pid} exited (${this.process.exitCode ?? this.process.signalCode})`));
      }, reject);
    });
  }

  send(line: string): void {
    if (this.alive) this.process.stdin!.write(`${line}\n`);
  }

  /** Connects and starts the runtime; resolves when it runs. */
  async start(): Promise<void> {
    await this.loaded;
    const ready = this.next((line) => line === 'ready');
    this.send('start');
    await ready;
  }

  async kill(): Promise<void> {
    if (this.alive) this.process.kill('SIGKILL');
    await this.exited;
  }
}

/**
 * Children loaded ahead of use, so one can start the moment the one before is killed: loading
 * is most of a start's cost, and the waiting ones touch nothing until started.
 */
export class KillChildPool {
  private readonly waiting: KillChild[] = [];
  private readonly all = new Set<KillChild>();

  constructor(
    private readonly args: string[],
    private readonly config: KillChildConfig,
    private readonly size: number,
  ) {
    this.fill();
  }

  /** A started child; a fresh one begins loading in its place. */
  async take(): Promise<KillChild> {
    const child = this.waiting.shift() ?? this.spawn();
    this.fill();
    await child.start();
    return child;
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((child) => child.kill()));
  }

  private fill(): void {
    while (this.waiting.length < this.size) this.waiting.push(this.spawn());
  }

  private spawn(): KillChild {
    const child = new KillChild(this.args, this.config);
    this.all.add(child);
    child.process.once('exit', () => this.all.delete(child));
    // A child that dies while waiting (it should not) is noticed at `take`, by `start` rejecting.
    child.loaded.catch(() => undefined);
    return child;
  }
}
