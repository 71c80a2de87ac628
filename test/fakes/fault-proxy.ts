/**
 * A TCP proxy on 127.0.0.1 in front of one host:port (Postgres, Redis, a vendor fake) that breaks
 * the link on demand, in the manner of Toxiproxy but in-process:
 *
 * - `latencyMs`: every chunk, in both directions, is delivered this much later (order kept).
 * - `hang(true)`: connections are accepted but nothing is forwarded either way; bytes are held,
 *   not dropped, so a protocol stream is intact when `hang(false)` lets them through. New
 *   connections are not even dialled upstream until then (a server that accepts and stalls).
 * - `reset()`: every open connection is destroyed with a TCP RST (`ECONNRESET` on both ends);
 *   `resetNew(true)`: every new connection is accepted and reset at once (a crashing server).
 * - `cut()`: every open connection is closed now (FIN), as when a server goes away.
 * - `refuse(true)`: the listener closes, so new connections get `ECONNREFUSED`; `refuse(false)`
 *   listens again on the same port. Open connections are left alone (`cut()` them too for "down").
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface FaultProxyTarget {
  host: string;
  port: number;
}

export interface FaultProxy {
  readonly port: number;
  /** Connections accepted since start, and currently open. */
  readonly accepted: number;
  readonly open: number;
  /** Per-chunk delay in both directions; 0 is a plain pipe. */
  latencyMs: number;
  hang(on: boolean): void;
  reset(): void;
  resetNew(on: boolean): void;
  cut(): void;
  refuse(on: boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * One direction of one connection: chunks wait for their due time, or, while the proxy hangs or
 * the far socket is not dialled yet, in `held`.
 */
class Lane {
  #held: Buffer[] = [];
  /** Chunks in arrival order with due times that never decrease; one timer for the head. */
  readonly #queue: { chunk: Buffer; dueMs: number }[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: () => Socket | undefined,
    private readonly proxy: { latencyMs: number; hanging: boolean },
  ) {}

  push(chunk: Buffer): void {
    if (this.proxy.hanging || !this.sink()) {
      this.#held.push(chunk);
      return;
    }
    // Due times never go backwards, so a latency change cannot reorder bytes.
    const dueMs = Math.max(Date.now() + this.proxy.latencyMs, this.#queue.at(-1)?.dueMs ?? 0);
    this.#queue.push({ chunk, dueMs });
    this.#pump();
  }

  release(): void {
    const held = this.#held;
    this.#held = [];
    for (const chunk of held) this.push(chunk);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
    this.#held = [];
  }

  #pump(): void {
    if (this.#timer) return;
    const nowMs = Date.now();
    while (this.#queue.length && this.#queue[0]!.dueMs <= nowMs) this.#write(this.#queue.shift()!.chunk);
    const head = this.#queue[0];
    if (!head) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, head.dueMs - nowMs);
  }

  #write(chunk: Buffer): void {
    const socket = this.sink();
    // A socket still connecting buffers writes itself and sends them once connected.
    if (socket && !socket.destroyed) socket.write(chunk);
  }
}

/** A client socket, its upstream socket (dialled now, or once a hang ends) and the two lanes. */
class ProxiedConnection {
  upstream: Socket | undefined;
  readonly #toUpstream: Lane;
  readonly #toClient: Lane;
  #closed = false;

  constructor(
    readonly client: Socket,
    private readonly target: FaultProxyTarget,
    proxy: { latencyMs: number; hanging: boolean },
    private readonly onClose: () => void,
  ) {
    this.#toUpstream = new Lane(() => this.upstream, proxy);
    this.#toClient = new Lane(() => client, proxy);
    client.on('data', (chunk: Buffer) => this.#toUpstream.push(chunk));
    client.on('error', () => this.close('destroy'));
    client.on('close', () => this.close('destroy'));
    if (!proxy.hanging) this.#dial();
  }

  /** A hang ended: dial if we never did, and let held bytes through. */
  resume(): void {
    this.#dial();
    this.#toUpstream.release();
    this.#toClient.release();
  }

  close(how: 'destroy' | 'reset'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#toUpstream.stop();
    this.#toClient.stop();
    for (const socket of [this.client, this.upstream]) {
      if (!socket || socket.destroyed) continue;
      if (how === 'reset' && !socket.connecting) socket.resetAndDestroy();
      else socket.destroy();
    }
    this.onClose();
  }

  #dial(): void {
    if (this.upstream || this.#closed) return;
    const upstream = connect(this.target.port, this.target.host);
    this.upstream = upstream;
    upstream.on('data', (chunk: Buffer) => this.#toClient.push(chunk));
    upstream.on('error', () => this.close('destroy'));
    upstream.on('close', () => this.close('destroy'));
  }
}

export async function startFaultProxy(target: FaultProxyTarget): Promise<FaultProxy> {
  const state = { latencyMs: 0, hanging: false, resettingNew: false };
  const connections = new Set<ProxiedConnection>();
  let accepted = 0;
  let port = 0;
  let server: Server | undefined;

  const onConnection = (client: Socket): void => {
    accepted += 1;
    if (state.resettingNew) {
      client.on('error', () => client.destroy());
      client.resetAndDestroy();
      return;
    }
    const connection: ProxiedConnection = new ProxiedConnection(client, target, state, () => connections.delete(connection));
    connections.add(connection);
  };

  const listen = async (): Promise<void> => {
    if (server) return;
    const next = createServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        next.off('error', reject);
        resolve();
      });
    });
    server = next;
    port = (next.address() as AddressInfo).port;
  };

  /**
   * Stops accepting at once. `server.close` calls back only when every open connection has ended,
   * so `wait` is for `close()`, which ends them first; `refuse` must not wait for them.
   */
  const stopListening = async (wait: boolean): Promise<void> => {
    const closing = server;
    server = undefined;
    if (!closing) return;
    const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
    if (wait) await closed;
  };

  const closeAll = (how: 'destroy' | 'reset'): void => {
    for (const connection of [...connections]) connection.close(how);
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get accepted() {
      return accepted;
    },
    get open() {
      return connections.size;
    },
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(value: number) {
      state.latencyMs = Math.max(0, value);
    },
    hang(on) {
      state.hanging = on;
      if (!on) for (const connection of connections) connection.resume();
    },
    reset: () => closeAll('reset'),
    resetNew(on) {
      state.resettingNew = on;
    },
    cut: () => closeAll('destroy'),
    refuse: (on) => (on ? stopListening(false) : listen()),
    async close() {
      closeAll('destroy');
      await stopListening(true);
    },
  };
}
