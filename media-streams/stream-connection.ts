/**
 * One websocket from Twilio, from the upgrade to the close: waits for `start`, asks the app to
 * authorise it, then hands every later message to a `MediaStreamSession`. Messages arriving while
 * authorisation runs are held (bounded) and replayed in order, so no audio is lost to a slow
 * token check. Malformed messages are logged and skipped; nothing here throws to the socket.
 */
import type { RawData, WebSocket } from 'ws';
import type { MediaStreamLogger } from './logger.js';
import { parseInboundMessage, type InboundMessage, type StartMessage } from './messages.js';
import { MediaStreamSession, type MediaStreamSessionOptions, type StreamStart } from './session.js';

export interface StreamConnectionOptions {
  authorizeStart: (start: StreamStart) => Promise<boolean> | boolean;
  onSession: (session: MediaStreamSession) => void;
  logger: MediaStreamLogger;
  startTimeoutMs: number;
  session: MediaStreamSessionOptions;
}

/** Held while `authorizeStart` runs: 250 messages is 5 s of audio. */
const MAX_HELD_MESSAGES = 250;
/** Logged at warn per connection; later ones at debug, so a broken peer cannot flood the log. */
const MAX_WARNED_MALFORMED = 10;
/** Policy violation: the close code for refused or broken streams. */
const CLOSE_POLICY = 1008;

type Phase = 'awaiting-start' | 'authorizing' | 'open' | 'closed';

export class StreamConnection {
  readonly #ws: WebSocket;
  readonly #options: StreamConnectionOptions;
  readonly #held: InboundMessage[] = [];
  readonly #closed: Promise<void>;
  #phase: Phase = 'awaiting-start';
  #session: MediaStreamSession | undefined;
  #startTimer: NodeJS.Timeout | undefined;
  #malformed = 0;
  /** Never rejects: failures are logged and close the socket. */
  #authorization: Promise<void> | undefined;

  constructor(ws: WebSocket, options: StreamConnectionOptions) {
    this.#ws = ws;
    this.#options = options;
    this.#closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('message', (data, isBinary) => this.#onRaw(data, isBinary));
    ws.on('error', (error) => options.logger.warn({ err: error }, 'media stream socket error'));
    ws.once('close', () => this.#onClosed());
    this.#startTimer = setTimeout(() => this.#refuse('no authorised start in time'), options.startTimeoutMs);
  }

  /** Closes the websocket and resolves once it is closed. */
  async close(code: number, reason: string): Promise<void> {
    if (this.#ws.readyState === this.#ws.CLOSED) return;
    this.#ws.close(code, reason);
    await Promise.all([this.#closed, this.#authorization]);
  }

  #onRaw(data: RawData, isBinary: boolean): void {
    if (isBinary) return this.#malformedMessage('binary', []);
    const parsed = parseInboundMessage(data.toString());
    if (!parsed.ok) return this.#malformedMessage(parsed.reason, parsed.issues);
    this.#onMessage(parsed.message);
  }

  #onMessage(message: InboundMessage): void {
    switch (this.#phase) {
      case 'open':
        this.#session?.handleMessage(message);
        return;
      case 'authorizing':
        if (this.#held.length < MAX_HELD_MESSAGES) this.#held.push(message);
        else this.#options.logger.warn({}, 'media stream message dropped while authorising');
        return;
      case 'awaiting-start':
        if (message.event === 'start') this.#authorize(message);
        else if (message.event !== 'connected') {
          this.#options.logger.warn({ event: message.event }, 'media stream message before start ignored');
        }
        return;
      case 'closed':
        return;
    }
  }

  /** Owned by this connection: its outcome either opens the session or closes the socket. */
  #authorize(message: StartMessage): void {
    // The start timer keeps running: an authoriser that never answers must not hold the call.
    this.#phase = 'authorizing';
    const { start } = message;
    const streamStart: StreamStart = {
      streamSid: message.streamSid,
      callSid: start.callSid,
      accountSid: start.accountSid,
      tracks: start.tracks,
      customParameters: start.customParameters,
    };
    this.#authorization = this.#runAuthorization(streamStart);
  }

  async #runAuthorization(start: StreamStart): Promise<void> {
    let allowed = false;
    try {
      allowed = await this.#options.authorizeStart(start);
    } catch (error) {
      this.#options.logger.error({ err: error, callSid: start.callSid }, 'media stream authorisation failed');
    }
    if (this.#phase !== 'authorizing') return;
    if (!allowed) return this.#refuse('start not authorised', start.callSid);
    this.#open(start);
  }

  #open(start: StreamStart): void {
    clearTimeout(this.#startTimer);
    const session = new MediaStreamSession(this.#ws, start, this.#options.session);
    this.#session = session;
    this.#phase = 'open';
    this.#options.logger.info({ callSid: start.callSid }, 'media stream started');
    try {
      this.#options.onSession(session);
    } catch (error) {
      this.#options.logger.error({ err: error, callSid: start.callSid }, 'media stream session handler failed');
      session.close();
      return;
    }
    for (const message of this.#held.splice(0)) session.handleMessage(message);
  }

  #refuse(why: string, callSid?: string): void {
    if (this.#phase === 'open' || this.#phase === 'closed') return;
    this.#options.logger.warn({ callSid, why }, 'media stream refused');
    this.#phase = 'closed';
    this.#held.length = 0;
    this.#ws.close(CLOSE_POLICY, why);
  }

  #malformedMessage(reason: string, issues: string[]): void {
    this.#malformed++;
    const level = this.#malformed <= MAX_WARNED_MALFORMED ? 'warn' : 'debug';
    this.#options.logger[level]({ reason, issues, callSid: this.#session?.callSid }, 'malformed media stream message ignored');
  }

  #onClosed(): void {
    clearTimeout(this.#startTimer);
    this.#phase = 'closed';
    this.#held.length = 0;
    this.#session?.handleSocketClosed();
  }
}
