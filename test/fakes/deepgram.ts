import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { decodeMulaw, FRAME_MS, SAMPLE_RATE } from '../../media-streams/mulaw.js';

/**
 * A fake Deepgram live-transcription server (`GET /v1/listen`, PROTOCOLS.md) for the real
 * `@deepgram/sdk` with `baseUrl` pointed here. It hears the audio: received mu-law is decoded
 * and run through an energy voice-activity detector. For each utterance it detects it takes the
 * next scripted transcript and sends SpeechStarted, interim Results while the speech goes on,
 * then — once `endpointing` ms of silence show the speech is over, plus `latencyMs` — a final
 * Results with `speech_final` and an UtteranceEnd. Options in the query string are honoured as
 * Deepgram does (no interims without `interim_results=true`, no SpeechStarted without
 * `vad_events=true`, no UtteranceEnd without `utterance_end_ms`).
 */

export interface FakeDeepgramConnection {
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  /** Mu-law bytes received. */
  readonly audioBytes: number;
  /** Control messages received (`KeepAlive`, `Finalize`, `CloseStream`), in order. */
  readonly controls: readonly string[];
  /** Every JSON message sent, in order. */
  readonly sent: readonly Record<string, unknown>[];
  readonly closed: boolean;
}

export interface DropSwitch {
  /** Audio to receive before dropping, in ms. */
  afterAudioMs: number;
  /** Close with this code; without one the TCP connection is destroyed (a 1006 for the client). */
  closeCode?: number;
}

export interface FakeDeepgram {
  /** Origin for the SDK's `baseUrl` / DEEPGRAM_URL. */
  readonly url: string;
  readonly connections: readonly FakeDeepgramConnection[];
  /** Upgrade requests seen, refused and hung ones included. */
  readonly attempts: number;
  /** Transcripts for the next utterances, in order; an utterance with none left hears `fallback`. */
  script(...transcripts: string[]): void;
  fallback: string;
  /** When set, only `Authorization: Token <apiKey>` is accepted; anything else gets 401. */
  apiKey: string | undefined;
  /** Wall time from detecting the end of speech to sending the final results, in ms. Default: 0. */
  latencyMs: number;
  /** Audio between interim results while speech goes on, in ms. Default: 200. */
  interimIntervalMs: number;
  /** RMS level (of 32768) above which a 20 ms frame is speech. Default: 500. */
  speechRms: number;
  /** Voiced audio needed to start an utterance, in ms. Default: 60. */
  minSpeechMs: number;
  /** Time without audio or KeepAlive after which the server hangs up (1011), in ms. Default: 10 000. */
  idleTimeoutMs: number;
  /** The next `count` upgrades are answered with this HTTP status. */
  refuseNext(count: number, status: number): void;
  /** The next `count` upgrades are never answered. */
  hangNext(count: number): void;
  /** The next `count` connections are dropped mid-stream. */
  dropNext(count: number, drop: DropSwitch): void;
  /** Resolves when `predicate` holds (checked on every change). */
  until(predicate: () => boolean): Promise<void>;
  close(): Promise<void>;
}

const MODEL_INFO = { name: 'general-nova-3', version: '2025-01-01.0', arch: 'nova-3' };
const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000;

interface Utterance {
  startMs: number;
  lastVoicedEndMs: number;
  words: string[];
  interimsSent: number;
  nextInterimAtMs: number;
}

class ListenSession implements FakeDeepgramConnection {
  audioBytes = 0;
  readonly controls: string[] = [];
  readonly sent: Record<string, unknown>[] = [];
  closed = false;
  private readonly requestId = randomUUID();
  private carry = new Int16Array(0);
  private audioMs = 0;
  private voicedRunMs = 0;
  private silentRunMs = 0;
  private utterance: Utterance | undefined;
  /** Results waiting out `latencyMs`, with what sending them does. */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private idle: NodeJS.Timeout;

  constructor(
    private readonly ws: WebSocket,
    readonly query: URLSearchParams,
    readonly authorization: string | undefined,
    private readonly fake: FakeDeepgramInternals,
    private readonly drop: DropSwitch | undefined,
  ) {
    this.idle = setTimeout(() => this.hangUpIdle(), fake.idleTimeoutMs);
    ws.on('message', (data, isBinary) => (isBinary ? this.onAudio(data) : this.onControl(data)));
    ws.on('close', () => this.dispose());
  }

  private get endpointingMs(): number {
    const value = Number(this.query.get('endpointing'));
    return Number.isFinite(value) && value > 0 ? value : 10;
  }

  private onAudio(data: RawData): void {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
    this.audioBytes += bytes.length;
    this.idle.refresh();
    const pcm = decodeMulaw(bytes);
    const all = new Int16Array(this.carry.length + pcm.length);
    all.set(this.carry);
    all.set(pcm, this.carry.length);
    let offset = 0;
    for (; offset + FRAME_SAMPLES <= all.length; offset += FRAME_SAMPLES) this.onFrame(all.subarray(offset, offset + FRAME_SAMPLES));
    this.carry = all.slice(offset);
    if (this.drop && this.audioMs >= this.drop.afterAudioMs && !this.closed) {
      if (this.drop.closeCode === undefined) this.ws.terminate();
      else this.ws.close(this.drop.closeCode, 'fake drop');
    }
    this.fake.changed();
  }

  private onFrame(frame: Int16Array): void {
    let sum = 0;
    for (const sample of frame) sum += sample * sample;
    const voiced = Math.sqrt(sum / frame.length) > this.fake.speechRms;
    const frameEndMs = (this.audioMs += FRAME_MS);
    if (!this.utterance) {
      this.voicedRunMs = voiced ? this.voicedRunMs + FRAME_MS : 0;
      if (this.voicedRunMs >= this.fake.minSpeechMs) this.startUtterance(frameEndMs - this.voicedRunMs, frameEndMs);
      return;
    }
    if (voiced) {
      this.silentRunMs = 0;
      this.utterance.lastVoicedEndMs = frameEndMs;
      if (frameEndMs >= this.utterance.nextInterimAtMs) this.sendInterim(this.utterance, frameEndMs);
      return;
    }
    this.silentRunMs += FRAME_MS;
    if (this.silentRunMs >= this.endpointingMs) this.endUtterance({ fromFinalize: false });
  }

  private startUtterance(startMs: number, nowMs: number): void {
    const transcript = this.fake.nextTranscript();
    this.utterance = {
      startMs,
      lastVoicedEndMs: nowMs,
      words: transcript.split(/\s+/).filter(Boolean),
      interimsSent: 0,
      nextInterimAtMs: nowMs + this.fake.interimIntervalMs,
    };
    this.silentRunMs = 0;
    if (this.query.get('vad_events') === 'true') this.send({ type: 'SpeechStarted', channel: [0], timestamp: startMs / 1000 });
  }

  private sendInterim(utterance: Utterance, nowMs: number): void {
    utterance.nextInterimAtMs = nowMs + this.fake.interimIntervalMs;
    if (this.query.get('interim_results') !== 'true') return;
    // Interims grow a word at a time and never show the whole sentence before the final.
    const count = Math.min(utterance.interimsSent + 1, Math.max(utterance.words.length - 1, 0));
    utterance.interimsSent += 1;
    if (count === 0) return;
    this.send(this.results(utterance, utterance.words.slice(0, count), nowMs, { isFinal: false, speechFinal: false, fromFinalize: false }));
  }

  /** Speech is over (or a Finalize flushes it): the final results go out after `latencyMs`. */
  private endUtterance(how: { fromFinalize: boolean }): void {
    const utterance = this.utterance;
    if (!utterance) return;
    this.utterance = undefined;
    this.voicedRunMs = 0;
    const final = this.results(utterance, utterance.words, utterance.lastVoicedEndMs, {
      isFinal: true,
      speechFinal: !how.fromFinalize,
      fromFinalize: how.fromFinalize,
    });
    const messages: Record<string, unknown>[] = [final];
    if (this.query.has('utterance_end_ms') && utterance.words.length > 0) {
      messages.push({ type: 'UtteranceEnd', channel: [0, 1], last_word_end: utterance.lastVoicedEndMs / 1000 });
    }
    this.later(this.fake.latencyMs, () => messages.forEach((message) => this.send(message)));
  }

  private results(
    utterance: Utterance,
    words: string[],
    endMs: number,
    flags: { isFinal: boolean; speechFinal: boolean; fromFinalize: boolean },
  ): Record<string, unknown> {
    const spanMs = Math.max(endMs - utterance.startMs, FRAME_MS);
    const perWordMs = spanMs / Math.max(utterance.words.length, 1);
    const wordObjects = words.map((punctuated, index) => ({
      word: punctuated.toLowerCase().replace(/[^\p{L}\p{N}']/gu, ''),
      start: (utterance.startMs + index * perWordMs) / 1000,
      end: (utterance.startMs + (index + 1) * perWordMs) / 1000,
      confidence: 0.98,
      punctuated_word: punctuated,
    }));
    return {
      type: 'Results',
      channel_index: [0, 1],
      duration: spanMs / 1000,
      start: utterance.startMs / 1000,
      is_final: flags.isFinal,
      speech_final: flags.speechFinal,
      from_finalize: flags.fromFinalize,
      channel: { alternatives: [{ transcript: words.join(' '), confidence: words.length ? 0.98 : 0, words: wordObjects }] },
      metadata: { request_id: this.requestId, model_info: MODEL_INFO, model_uuid: randomUUID() },
    };
  }

  private onControl(data: RawData): void {
    let type: unknown;
    try {
      type = (JSON.parse(data.toString()) as { type?: unknown }).type;
    } catch {
      this.ws.close(1008, 'invalid control message');
      return;
    }
    this.controls.push(String(type));
    this.idle.refresh();
    if (type === 'Finalize') {
      if (this.utterance) this.endUtterance({ fromFinalize: true });
      else this.send(this.emptyFinal());
    } else if (type === 'CloseStream') {
      this.endUtterance({ fromFinalize: false });
      this.flushAndClose();
    }
    this.fake.changed();
  }

  private emptyFinal(): Record<string, unknown> {
    const empty: Utterance = { startMs: this.audioMs, lastVoicedEndMs: this.audioMs, words: [], interimsSent: 0, nextInterimAtMs: 0 };
    return this.results(empty, [], this.audioMs, { isFinal: true, speechFinal: false, fromFinalize: true });
  }

  /** Deepgram answers CloseStream with everything pending, then Metadata, then a 1000 close. */
  private flushAndClose(): void {
    const pending = [...this.timers];
    this.timers.clear();
    for (const [timer, run] of pending) {
      clearTimeout(timer);
      run();
    }
    this.send({
      type: 'Metadata',
      transaction_key: 'deprecated',
      request_id: this.requestId,
      sha256: '',
      created: new Date().toISOString(),
      duration: this.audioMs / 1000,
      channels: 1,
      models: [randomUUID()],
      model_info: {},
    });
    this.ws.close(1000);
  }

  private hangUpIdle(): void {
    this.ws.close(1011, 'Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001');
  }

  private later(delayMs: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
      this.fake.changed();
    }, delayMs);
    this.timers.set(timer, run);
  }

  private send(message: Record<string, unknown>): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.sent.push(message);
    this.ws.send(JSON.stringify(message));
  }

  private dispose(): void {
    this.closed = true;
    clearTimeout(this.idle);
    for (const timer of this.timers.keys()) clearTimeout(timer);
    this.timers.clear();
    this.fake.changed();
  }
}

interface FakeDeepgramInternals {
  readonly latencyMs: number;
  readonly interimIntervalMs: number;
  readonly speechRms: number;
  readonly minSpeechMs: number;
  readonly idleTimeoutMs: number;
  nextTranscript(): string;
  changed(): void;
}

export async function startFakeDeepgram(): Promise<FakeDeepgram> {
  const sessions: ListenSession[] = [];
  const transcripts: string[] = [];
  const hanging = new Set<Socket>();
  const waiters = new Set<() => void>();
  let refusals = { count: 0, status: 401 };
  let hangs = 0;
  let drops: { count: number; drop: DropSwitch } = { count: 0, drop: { afterAudioMs: 0 } };

  const fake: FakeDeepgram & FakeDeepgramInternals = {
    url: '',
    connections: sessions,
    attempts: 0,
    fallback: '',
    apiKey: undefined,
    latencyMs: 0,
    interimIntervalMs: 200,
    speechRms: 500,
    minSpeechMs: 60,
    idleTimeoutMs: 10_000,
    script: (...more) => transcripts.push(...more),
    nextTranscript: () => transcripts.shift() ?? fake.fallback,
    refuseNext: (count, status) => {
      refusals = { count, status };
    },
    hangNext: (count) => {
      hangs = count;
    },
    dropNext: (count, drop) => {
      drops = { count, drop };
    },
    changed: () => waiters.forEach((check) => check()),
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
      for (const socket of hanging) socket.destroy();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    (fake as { attempts: number }).attempts += 1;
    if (hangs > 0) {
      hangs -= 1;
      hanging.add(socket);
      return;
    }
    const status = refusalStatus(url, req.headers.authorization);
    if (status !== undefined) return refuse(socket, status);
    const drop = drops.count > 0 ? drops.drop : undefined;
    if (drop) drops.count -= 1;
    wss.handleUpgrade(req, socket, head, (ws) => {
      sessions.push(new ListenSession(ws, url.searchParams, req.headers.authorization, fake, drop));
      fake.changed();
    });
  });

  function refusalStatus(url: URL, authorization: string | undefined): number | undefined {
    if (url.pathname !== '/v1/listen') return 404;
    if (refusals.count > 0) {
      refusals.count -= 1;
      return refusals.status;
    }
    if (fake.apiKey !== undefined && authorization !== `Token ${fake.apiKey}`) return 401;
    return undefined;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (fake as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** Deepgram refuses a bad upgrade with a plain HTTP answer and a JSON body, then hangs up. */
function refuse(socket: Socket, status: number): void {
  const body = JSON.stringify({ err_code: status === 401 ? 'INVALID_AUTH' : 'FAKE_REFUSAL', err_msg: `fake refusal ${status}`, request_id: randomUUID() });
  socket.end(
    `HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
