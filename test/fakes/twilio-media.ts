/**
 * Plays Twilio's side of a Media Streams websocket: signs the upgrade like Twilio does, sends
 * connected/start/media/dtmf/stop in the wire format of PROTOCOLS.md, and records every message
 * the server sends with its arrival time. Like Twilio, it "plays" received audio in real time
 * and echoes each mark once the audio before it has played, or at once when a `clear` discards
 * it, so tests and the call simulator can tell what a caller would have heard.
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import WebSocket from 'ws';

const FRAME_BYTES = 160;
const FRAME_MS = 20;

export interface TwilioMediaClientOptions {
  /** Where to connect, e.g. `ws://127.0.0.1:PORT/media-streams`. */
  url: string;
  /** The public URL the signature covers, e.g. `wss://frontdesk.example/media-streams`. */
  signedUrl: string;
  authToken: string;
  /** Replaces the computed signature (wrong-signature tests); `null` sends no header. */
  signature?: string | null;
  callSid?: string;
  accountSid?: string;
  /** Echo marks as Twilio would. Default true. */
  echoMarks?: boolean;
  /** Extra delay between audio arriving and being heard (network, jitter buffer). Default 0. */
  playoutDelayMs?: number;
}

export type OutboundRecord =
  | { event: 'media'; arrivedAtMs: number; payload: Buffer }
  | { event: 'mark'; arrivedAtMs: number; name: string }
  | { event: 'clear'; arrivedAtMs: number };

export class UpgradeRefused extends Error {
  constructor(readonly statusCode: number) {
    super(`upgrade refused with HTTP ${statusCode}`);
  }
}

export class TwilioMediaClient {
  readonly callSid: string;
  readonly accountSid: string;
  readonly streamSid = `MZ${randomBytes(16).toString('hex')}`;
  /** Every message from the server; `arrivedAtMs` counts from the websocket opening. */
  readonly outbound: OutboundRecord[] = [];
  /** Messages from the server that were not valid JSON. */
  readonly unparsable: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #ws: WebSocket;
  readonly #echoMarks: boolean;
  readonly #playoutDelayMs: number;
  readonly #openedAtMs = performance.now();
  #sequence = 0;
  #chunk = 0;
  #mediaTimestampMs = 0;
  /** When the audio received so far will have finished playing, in `performance.now` ms. */
  #playbackEndsAtMs = 0;
  #pendingMarks: { name: string; dueAtMs: number }[] = [];
  #markTimer: NodeJS.Timeout | undefined;
  #waiters = new Set<() => void>();

  private constructor(ws: WebSocket, options: TwilioMediaClientOptions) {
    this.#ws = ws;
    this.#echoMarks = options.echoMarks ?? true;
    this.#playoutDelayMs = options.playoutDelayMs ?? 0;
    this.callSid = options.callSid ?? `CA${randomBytes(16).toString('hex')}`;
    this.accountSid = options.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        clearTimeout(this.#markTimer);
        this.#notify();
        resolve({ code, reason: reason.toString() });
      }),
    );
    ws.on('message', (data) => this.#onMessage(data.toString()));
  }

  /** Opens the signed websocket; rejects with `UpgradeRefused` when the server answers with HTTP. */
  static connect(options: TwilioMediaClientOptions): Promise<TwilioMediaClient> {
    const signature =
      options.signature === undefined
        ? twilio.getExpectedTwilioSignature(options.authToken, options.signedUrl, {})
        : options.signature;
    const headers: Record<string, string> = signature === null ? {} : { 'X-Twilio-Signature': signature };
    const ws = new WebSocket(options.url, { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TwilioMediaClient(ws, options)));
      ws.once('unexpected-response', (_req, res) => {
        reject(new UpgradeRefused(res.statusCode ?? 0));
        res.resume();
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  get mediaFrames(): Buffer[] {
    return this.outbound.flatMap((record) => (record.event === 'media' ? [record.payload] : []));
  }

  get open(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  /** `connected` then `start`, as Twilio opens every stream. */
  start(customParameters: Record<string, string> = {}): void {
    this.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.send({
      event: 'start',
      sequenceNumber: this.#nextSequence(),
      streamSid: this.streamSid,
      start: {
        streamSid: this.streamSid,
        accountSid: this.accountSid,
        callSid: this.callSid,
        tracks: ['inbound'],
        customParameters,
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
  }

  /** Sends mu-law audio at once, as 160-byte frames with Twilio's chunk and timestamp fields. */
  sendAudio(mulaw: Uint8Array): void {
    for (let offset = 0; offset < mulaw.length; offset += FRAME_BYTES) {
      this.#sendFrame(mulaw.subarray(offset, offset + FRAME_BYTES));
    }
  }

  /** Sends mu-law audio in real time, one frame per 20 ms (as a caller speaks). */
  async sendAudioRealtime(mulaw: Uint8Array, signal?: AbortSignal): Promise<void> {
    const startedAtMs = performance.now();
    for (let frame = 0; frame * FRAME_BYTES < mulaw.length; frame++) {
      if (signal?.aborted || !this.open) return;
      const dueAtMs = startedAtMs + frame * FRAME_MS;
      const waitMs = dueAtMs - performance.now();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      this.#sendFrame(mulaw.subarray(frame * FRAME_BYTES, (frame + 1) * FRAME_BYTES));
    }
  }

  sendDtmf(digit: string): void {
    this.send({
      event: 'dtmf',
      streamSid: this.streamSid,
      sequenceNumber: this.#nextSequence(),
      dtmf: { track: 'inbound_track', digit },
    });
  }

  sendStop(): void {
    this.send({
      event: 'stop',
      sequenceNumber: this.#nextSequence(),
      streamSid: this.streamSid,
      stop: { accountSid: this.accountSid, callSid: this.callSid },
    });
  }

  send(message: object): void {
    this.sendRaw(JSON.stringify(message));
  }

  sendRaw(text: string): void {
    this.#ws.send(text);
  }

  /** Resolves when `predicate` holds for what has arrived; rejects after `timeoutMs`. */
  async waitFor(predicate: (outbound: OutboundRecord[]) => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate(this.outbound)) {
      const leftMs = deadline - performance.now();
      if (leftMs <= 0) throw new Error(`condition not met within ${timeoutMs} ms (${this.outbound.length} messages)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, leftMs);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.add(done);
      });
    }
  }

  close(): void {
    clearTimeout(this.#markTimer);
    this.#ws.close(1000);
  }

  #sendFrame(frame: Uint8Array): void {
    this.#chunk++;
    this.send({
      event: 'media',
      sequenceNumber: this.#nextSequence(),
      streamSid: this.streamSid,
      media: {
        track: 'inbound',
        chunk: String(this.#chunk),
        timestamp: String(this.#mediaTimestampMs),
        payload: Buffer.from(frame).toString('base64'),
      },
    });
    this.#mediaTimestampMs += FRAME_MS;
  }

  #nextSequence(): string {
    this.#sequence++;
    return String(this.#sequence);
  }

  #onMessage(text: string): void {
    const arrivedAtMs = performance.now() - this.#openedAtMs;
    let message: { event?: string; media?: { payload?: string }; mark?: { name?: string } };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      this.unparsable.push(text);
      return;
    }
    if (message.event === 'media') this.#onMedia(arrivedAtMs, Buffer.from(message.media?.payload ?? '', 'base64'));
    else if (message.event === 'mark') this.#onMark(arrivedAtMs, message.mark?.name ?? '');
    else if (message.event === 'clear') this.#onClear(arrivedAtMs);
    else this.unparsable.push(text);
    this.#notify();
  }

  #onMedia(arrivedAtMs: number, payload: Buffer): void {
    this.outbound.push({ event: 'media', arrivedAtMs, payload });
    this.#playbackEndsAtMs = Math.max(performance.now(), this.#playbackEndsAtMs) + FRAME_MS;
  }

  #onMark(arrivedAtMs: number, name: string): void {
    this.outbound.push({ event: 'mark', arrivedAtMs, name });
    if (!this.#echoMarks) return;
    const heardAtMs = Math.max(performance.now(), this.#playbackEndsAtMs) + this.#playoutDelayMs;
    this.#pendingMarks.push({ name, dueAtMs: heardAtMs });
    this.#scheduleEcho();
  }

  /** Twilio drops its buffered audio and echoes every outstanding mark at once. */
  #onClear(arrivedAtMs: number): void {
    this.outbound.push({ event: 'clear', arrivedAtMs });
    this.#playbackEndsAtMs = performance.now();
    clearTimeout(this.#markTimer);
    for (const mark of this.#pendingMarks.splice(0)) this.#echo(mark.name);
  }

  #scheduleEcho(): void {
    clearTimeout(this.#markTimer);
    const head = this.#pendingMarks[0];
    if (!head) return;
    this.#markTimer = setTimeout(() => {
      const now = performance.now();
      while (this.#pendingMarks[0] && this.#pendingMarks[0].dueAtMs <= now + 1) this.#echo(this.#pendingMarks.shift()!.name);
      this.#scheduleEcho();
    }, Math.max(0, head.dueAtMs - performance.now()));
  }

  #echo(name: string): void {
    if (!this.open) return;
    this.send({ event: 'mark', sequenceNumber: this.#nextSequence(), streamSid: this.streamSid, mark: { name } });
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
    this.#waiters.clear();
  }
}
