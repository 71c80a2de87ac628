import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeMulaw, SAMPLE_RATE } from '../../media-streams/mulaw.js';

/**
 * A fake ElevenLabs text-to-speech server for the real `@elevenlabs/elevenlabs-js` with
 * `baseUrl` pointed here: `POST /v1/text-to-speech/{voiceId}/stream` (and the non-streaming
 * `POST /v1/text-to-speech/{voiceId}`), `xi-api-key` header, JSON body (PROTOCOLS.md). The body
 * is raw mu-law at 8 kHz: a tone burst per word, `msPerCharacter` long per character, so the
 * audio's length follows the text. The SDK has no websocket client (PROTOCOLS.md), so neither
 * has the fake.
 */

export interface RecordedSynthesis {
  voiceId: string;
  text: string;
  modelId: string | undefined;
  outputFormat: string | null;
  optimizeStreamingLatency: string | null;
  apiKey: string | undefined;
  /** True once the client went away before the whole body was sent. */
  aborted: boolean;
  /** Bytes of audio written before the end (or the abort). */
  bytesSent: number;
  /** performance.now() as the first chunk was handed to the socket (benchmarks time delivery from it). */
  firstChunkAt?: number;
  /** The request came on a connection an earlier request had used (HTTP keep-alive). */
  reusedConnection: boolean;
}

export interface FakeElevenLabs {
  /** Origin for the SDK's `baseUrl` / ELEVENLABS_BASE_URL. */
  readonly url: string;
  readonly requests: readonly RecordedSynthesis[];
  /** When set, any other `xi-api-key` gets 401. */
  apiKey: string | undefined;
  /** Audio per character of text, in ms. Default: 60. */
  msPerCharacter: number;
  /**
   * Request to the response headers and first chunk, in ms, counted from the request's arrival
   * (like a vendor's published time to first byte, it covers reading the request and making the
   * audio, which the fake does while it waits). Default: 0.
   */
  firstByteDelayMs: number;
  /** Bytes per chunk written. Default: 800 (100 ms). */
  chunkBytes: number;
  /** Wait between chunks, in ms. Default: 0. */
  chunkIntervalMs: number;
  /** After the first chunk, hold the rest of every body until `release()`. */
  holdAfterFirstChunk: boolean;
  release(): void;
  /** The next `count` requests fail with this status and ElevenLabs' error body. */
  failNext(count: number, status: number): void;
  /** The next `count` requests are never answered. */
  hangNext(count: number): void;
  /** The next `count` responses send one chunk and then never another (a stall mid-stream). */
  stallNext(count: number): void;
  /** The next `count` responses are cut (socket destroyed) after `afterBytes` of audio. */
  disconnectNext(count: number, afterBytes: number): void;
  /** Resolves when `predicate` holds (checked on every change). */
  until(predicate: () => boolean): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tone bursts, one per word, with 40 ms of silence after each: audible, and proportional to the text. */
export function toneFor(text: string, msPerCharacter: number): Buffer {
  const words = text.split(/\s+/).filter(Boolean);
  const gapSamples = (SAMPLE_RATE * 40) / 1000;
  const lengths = words.map((word) => Math.round((SAMPLE_RATE * word.length * msPerCharacter) / 1000));
  const pcm = new Int16Array(lengths.reduce((sum, length) => sum + length + gapSamples, 0));
  let offset = 0;
  words.forEach((_word, index) => {
    const hz = 220 + 40 * (index % 5);
    for (let i = 0; i < lengths[index]!; i++) pcm[offset + i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / SAMPLE_RATE));
    offset += lengths[index]! + gapSamples;
  });
  return encodeMulaw(pcm);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function startFakeElevenLabs(): Promise<FakeElevenLabs> {
  const requests: RecordedSynthesis[] = [];
  const open = new Set<ServerResponse>();
  const usedSockets = new WeakSet<object>();
  const waiters = new Set<() => void>();
  let released: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (released = resolve));
  let failures = { count: 0, status: 500 };
  let hangs = 0;
  let stalls = 0;
  let cuts = { count: 0, afterBytes: 0 };
  const changed = () => waiters.forEach((check) => check());

  const fake: FakeElevenLabs = {
    url: '',
    requests,
    apiKey: undefined,
    msPerCharacter: 60,
    firstByteDelayMs: 0,
    chunkBytes: 800,
    chunkIntervalMs: 0,
    holdAfterFirstChunk: false,
    release: () => {
      released();
      gate = new Promise<void>((resolve) => (released = resolve));
    },
    failNext: (count, status) => {
      failures = { count, status };
    },
    hangNext: (count) => {
      hangs = count;
    },
    stallNext: (count) => {
      stalls = count;
    },
    disconnectNext: (count, afterBytes) => {
      cuts = { count, afterBytes };
    },
    until: (predicate) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!predicate()) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
    close: async () => {
      released();
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer(async (req, res) => {
    const arrivedAt = performance.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = /^\/v1\/text-to-speech\/([^/]+)(\/stream)?$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) return sendError(res, 404, 'not_found', 'no such endpoint');
    const body = await readJson(req);
    const record: RecordedSynthesis = {
      voiceId: decodeURIComponent(match[1]!),
      text: typeof body.text === 'string' ? body.text : '',
      modelId: typeof body.model_id === 'string' ? body.model_id : undefined,
      outputFormat: url.searchParams.get('output_format'),
      optimizeStreamingLatency: url.searchParams.get('optimize_streaming_latency'),
      apiKey: req.headers['xi-api-key'] as string | undefined,
      aborted: false,
      bytesSent: 0,
      reusedConnection: usedSockets.has(req.socket),
    };
    usedSockets.add(req.socket);
    requests.push(record);
    open.add(res);
    res.on('close', () => {
      open.delete(res);
      if (!res.writableFinished) record.aborted = true;
      changed();
    });
    changed();
    await answer(req, res, record, arrivedAt);
  });

  async function answer(req: IncomingMessage, res: ServerResponse, record: RecordedSynthesis, arrivedAt: number): Promise<void> {
    if (hangs > 0) {
      hangs -= 1;
      return;
    }
    if (fake.apiKey !== undefined && record.apiKey !== fake.apiKey) return sendError(res, 401, 'invalid_api_key', 'Invalid API key');
    if (failures.count > 0) {
      failures.count -= 1;
      return sendError(res, failures.status, 'fake_failure', `fake failure ${failures.status}`);
    }
    if (record.outputFormat !== 'ulaw_8000') return sendError(res, 400, 'invalid_output_format', 'the fake speaks ulaw_8000 only');
    const stall = stalls > 0;
    if (stall) stalls -= 1;
    const cut = cuts.count > 0 ? cuts.afterBytes : undefined;
    if (cut !== undefined) cuts.count -= 1;
    const audio = toneFor(record.text, fake.msPerCharacter);
    await sleep(Math.max(0, arrivedAt + fake.firstByteDelayMs - performance.now()));
    res.writeHead(200, { 'content-type': 'audio/basic', 'transfer-encoding': 'chunked' });
    for (let offset = 0; offset < audio.length; offset += fake.chunkBytes) {
      if (res.destroyed) return;
      if (cut !== undefined && offset >= cut) {
        req.socket.destroy();
        return;
      }
      const chunk = audio.subarray(offset, offset + fake.chunkBytes);
      record.firstChunkAt ??= performance.now();
      // Wait until the chunk is on the wire, so a cut or a stall comes after audio the client got.
      await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
      record.bytesSent += chunk.length;
      changed();
      if (stall) return;
      if (offset === 0 && fake.holdAfterFirstChunk) await gate;
      if (fake.chunkIntervalMs > 0) await sleep(fake.chunkIntervalMs);
    }
    res.end();
  }

  // Like a vendor behind a load balancer: no `Keep-Alive: timeout` hint, and idle connections kept
  // for minutes (Node's server would hint 5 s and close them then), so the client's own idle
  // timeout decides whether a connection is reused.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (fake as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** ElevenLabs' error shape: `{"detail":{"status","message"}}`. */
function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: { status: code, message } }));
}
