import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { startFaultProxy, type FaultProxy } from '../fakes/fault-proxy.js';

/** An echo server: what a client writes comes back, so both directions of the proxy are crossed. */
async function startEcho(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

function dial(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with what arrived once `bytes` bytes have, or rejects after `timeoutMs`. */
function receive(socket: Socket, bytes: number, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      socket.off('data', onData);
      reject(new Error(`received ${JSON.stringify(text)} within ${timeoutMs} ms, wanted ${bytes} bytes`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.length < bytes) return;
      clearTimeout(timer);
      socket.off('data', onData);
      resolve(text);
    };
    socket.on('data', onData);
  });
}

function closed(socket: Socket): Promise<string | undefined> {
  return new Promise((resolve) => {
    let code: string | undefined;
    socket.once('error', (error: NodeJS.ErrnoException) => (code = error.code));
    socket.once('close', () => resolve(code));
  });
}

describe('fault proxy', () => {
  let echo: Awaited<ReturnType<typeof startEcho>>;
  let proxy: FaultProxy;
  const sockets: Socket[] = [];
  const open = async () => {
    const socket = await dial(proxy.port);
    sockets.push(socket);
    return socket;
  };

  beforeEach(async () => {
    echo = await startEcho();
    proxy = await startFaultProxy({ host: '127.0.0.1', port: echo.port });
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await proxy.close();
    for (const socket of echo.sockets) socket.destroy();
    await new Promise<void>((resolve) => echo.server.close(() => resolve()));
  });

  it('forwards both ways, in order', async () => {
    const socket = await open();
    socket.write('hello ');
    socket.write('world');
    assert.equal(await receive(socket, 11), 'hello world');
    assert.equal(proxy.accepted, 1);
  });

  it('adds latency to each chunk in each direction, keeping order when it changes', async () => {
    const socket = await open();
    proxy.latencyMs = 100;
    let startedAt = Date.now();
    socket.write('a');
    assert.equal(await receive(socket, 1), 'a');
    const roundTripMs = Date.now() - startedAt;
    assert.ok(roundTripMs >= 190, `round trip took ${roundTripMs} ms, expected two delays of 100 ms`);

    startedAt = Date.now();
    socket.write('b');
    await new Promise((resolve) => setTimeout(resolve, 30));
    proxy.latencyMs = 0;
    socket.write('c');
    assert.equal(await receive(socket, 2), 'bc');
    assert.ok(Date.now() - startedAt >= 95);
  });

  it('hang: accepts, forwards nothing, and lets the held bytes through when it ends', async () => {
    proxy.hang(true);
    const socket = await open();
    socket.write('held');
    await assert.rejects(receive(socket, 4, 200), /received "" within/);
    proxy.hang(false);
    assert.equal(await receive(socket, 4), 'held');
  });

  it('reset: both ends see ECONNRESET', async () => {
    const socket = await open();
    socket.write('x');
    await receive(socket, 1);
    const gone = closed(socket);
    proxy.reset();
    assert.equal(await gone, 'ECONNRESET');
    assert.equal(proxy.open, 0);
  });

  it('resetNew: new connections are reset at once until it ends', async () => {
    proxy.resetNew(true);
    // The RST may arrive before or after the client sees its connection established.
    const code = await open().then(closed, (error: NodeJS.ErrnoException) => error.code);
    assert.equal(code, 'ECONNRESET');
    proxy.resetNew(false);
    const again = await open();
    again.write('v');
    assert.equal(await receive(again, 1), 'v');
  });

  it('cut: open connections close now; new ones still work', async () => {
    const socket = await open();
    const gone = closed(socket);
    proxy.cut();
    assert.equal(await gone, undefined);
    const again = await open();
    again.write('y');
    assert.equal(await receive(again, 1), 'y');
  });

  it('refuse: new connections get ECONNREFUSED until it ends, on the same port; open ones stay', async () => {
    const port = proxy.port;
    const before = await open();
    await proxy.refuse(true);
    before.write('w');
    assert.equal(await receive(before, 1), 'w');
    await assert.rejects(dial(port), { code: 'ECONNREFUSED' });
    await proxy.refuse(false);
    assert.equal(proxy.port, port);
    const socket = await open();
    socket.write('z');
    assert.equal(await receive(socket, 1), 'z');
  });
});
