/**
 * One authorised Twilio media stream, as the rest of the app sees it: typed events in (audio,
 * DTMF, marks, speech start/stop from the local VAD, stop) and audio out (`play`, `mark`,
 * `clear`, `close`). It knows nothing of what the call is about.
 */
import type { WebSocket } from 'ws';
import { EventChannel } from './event-channel.js';
import type { FrameTicker } from './frame-clock.js';
import type { MediaStreamLogger } from './logger.js';
import { clearMessage, markMessage, mediaMessageEncoder, type InboundMessage, type OutboundMessage } from './messages.js';
import { decodeMulaw } from './mulaw.js';
import { OutboundPacer, type OutboundPacerOptions } from './outbound-pacer.js';
import { Playout, type AudioSource, type Playback, type PlayOptions, type PlayoutOptions } from './playout.js';
import { mulawFrameEnergyDbfs, VoiceActivityDetector, type VoiceActivityOptions } from './voice-activity.js';

export interface StreamStart {
  streamSid: string;
  callSid: string;
  accountSid: string;
  tracks: string[];
  /** The TwiML `<Parameter>`s, e.g. the per-call token. */
  customParameters: Record<string, string>;
}

export type StopReason = 'twilio-stop' | 'closed-by-us' | 'disconnected';

export type MediaStreamEvent =
  | { type: 'start'; start: StreamStart }
  /** One inbound frame; `timestampMs` is Twilio's, since the stream started. */
  /** `pcm` is decoded on first read: the call path forwards mu-law and never needs it. */
  | { type: 'audio'; readonly pcm: Int16Array; mulaw: Buffer; timestampMs: number; chunk: number }
  /** `atMs`: the timestamp of the last audio frame before the digit (Twilio gives none). */
  | { type: 'dtmf'; digit: string; atMs: number }
  /** `played: false` when our `clear` discarded the audio before it. */
  | { type: 'mark'; name: string; played: boolean }
  | { type: 'speechStarted'; atMs: number }
  | { type: 'speechStopped'; atMs: number }
  | { type: 'stop'; reason: StopReason };

export type MediaStreamEventType = MediaStreamEvent['type'];

export interface MediaStreamSessionOptions {
  /** The process-wide frame clock (one for all calls). */
  clock: FrameTicker;
  logger: MediaStreamLogger;
  /** Local VAD settings; `false` turns it off. */
  voiceActivity?: VoiceActivityOptions | false;
  pacer?: OutboundPacerOptions;
  playout?: PlayoutOptions;
  /** Events an `events()` reader may fall behind by before audio is dropped. Default 500 (10 s). */
  maxBufferedEvents?: number;
}

export class MediaStreamSession {
  readonly start: StreamStart;
  readonly #socket: WebSocket;
  readonly #logger: MediaStreamLogger;
  readonly #channel: EventChannel<MediaStreamEvent>;
  readonly #pacer: OutboundPacer;
  readonly #playout: Playout;
  readonly #vad: VoiceActivityDetector | undefined;
  readonly #maxBufferedEvents: number;
  #lastPlayedMark: string | undefined;
  #lastAudioMs = 0;
  #stopReason: StopReason | undefined;

  constructor(socket: WebSocket, start: StreamStart, options: MediaStreamSessionOptions) {
    this.start = Object.freeze({ ...start, customParameters: Object.freeze({ ...start.customParameters }) });
    this.#socket = socket;
    this.#logger = options.logger;
    this.#maxBufferedEvents = options.maxBufferedEvents ?? 500;
    this.#channel = new EventChannel<MediaStreamEvent>({
      onListenerError: (error, event) =>
        this.#logger.error({ err: error, event: event.type, callSid: start.callSid }, 'media stream listener failed'),
      droppable: (event) => event.type === 'audio',
      onOverflow: () => this.#logger.warn({ callSid: start.callSid }, 'media stream reader fell behind; audio dropped'),
    });
    const encodeMedia = mediaMessageEncoder(start.streamSid);
    const sink = {
      sendFrame: (frame: Buffer) => this.#sendText(encodeMedia(frame)),
      sendMark: (name: string) => this.#send(markMessage(start.streamSid, name)),
    };
    this.#playout = new Playout(() => this.#pacer, sink, this.#logger, options.playout);
    this.#pacer = new OutboundPacer(options.clock, this.#playout, options.pacer);
    this.#vad = options.voiceActivity === false ? undefined : new VoiceActivityDetector(options.voiceActivity);
  }

  get callSid(): string {
    return this.start.callSid;
  }

  /** The last mark of ours that Twilio says the caller heard. */
  get lastPlayedMark(): string | undefined {
    return this.#lastPlayedMark;
  }

  /** True while audio is queued here or not yet heard by the caller. */
  get playing(): boolean {
    return this.#playout.playing;
  }

  get stopped(): boolean {
    return this.#stopReason !== undefined;
  }

  /** True when the local VAD runs: `speechStarted` and `speechStopped` events will come. */
  get detectsVoice(): boolean {
    return this.#vad !== undefined;
  }

  on<T extends MediaStreamEventType>(type: T, listener: (event: Extract<MediaStreamEvent, { type: T }>) => void): () => void {
    return this.#channel.on(type, listener);
  }

  /** Every event from now on, beginning with `start`, ending after `stop`. */
  events(): AsyncIterableIterator<MediaStreamEvent> {
    return this.#channel.iterate(this.#maxBufferedEvents, { type: 'start', start: this.start });
  }

  /** Queues mu-law audio (8 kHz, any chunk sizes) after whatever is playing. */
  play(audio: AudioSource, options?: PlayOptions): Playback {
    return this.#playout.play(audio, options);
  }

  /** A mark after everything queued; its echo arrives as a `mark` event once heard. */
  mark(name: string): void {
    this.#playout.mark(name);
  }

  /** Barge-in: drops our queued audio and tells Twilio to drop its buffer, at once. */
  clear(): void {
    if (this.stopped) return;
    this.#playout.clear();
    this.#send(clearMessage(this.start.streamSid));
  }

  /** Ends the stream from our side; Twilio then runs the TwiML after `<Connect>`. */
  close(): void {
    this.#finish('closed-by-us');
    this.#socket.close(1000, 'stream ended');
  }

  /** Called by the server for each validated message after `start`. */
  handleMessage(message: InboundMessage): void {
    if (this.stopped) return;
    if ('streamSid' in message && message.streamSid !== this.start.streamSid) {
      this.#logger.warn({ callSid: this.callSid }, 'media stream message for another stream ignored');
      return;
    }
    switch (message.event) {
      case 'media':
        return this.#onMedia(message.media.payload, message.media.timestamp, message.media.chunk, message.media.track);
      case 'dtmf':
        return this.#channel.emit({ type: 'dtmf', digit: message.dtmf.digit, atMs: this.#lastAudioMs });
      case 'mark':
        return this.#onMarkEcho(message.mark.name);
      case 'stop':
        this.#finish('twilio-stop');
        this.#socket.close(1000, 'stream stopped');
        return;
      case 'connected':
      case 'start':
        this.#logger.warn({ callSid: this.callSid, event: message.event }, 'media stream message out of order ignored');
        return;
    }
  }

  /** Called by the server when the websocket closed, whoever closed it. */
  handleSocketClosed(): void {
    this.#finish('disconnected');
  }

  #onMedia(payload: string, timestampMs: number, chunk: number, track: string): void {
    if (track !== 'inbound') return;
    const mulaw = Buffer.from(payload, 'base64');
    this.#lastAudioMs = timestampMs;
    this.#channel.emit(audioEvent(mulaw, timestampMs, chunk));
    const activity = this.#vad?.pushEnergy(mulawFrameEnergyDbfs(mulaw), timestampMs);
    if (activity) this.#channel.emit(activity);
  }

  #onMarkEcho(name: string): void {
    const echo = this.#playout.onMarkEcho(name);
    if (echo.kind === 'internal') return;
    if (echo.kind === 'unknown') {
      this.#logger.debug({ callSid: this.callSid }, 'media stream echoed a mark we did not send');
      return;
    }
    if (echo.played) this.#lastPlayedMark = echo.name;
    this.#channel.emit({ type: 'mark', name: echo.name, played: echo.played });
  }

  #finish(reason: StopReason): void {
    if (this.#stopReason) return;
    this.#stopReason = reason;
    this.#playout.close();
    this.#pacer.close();
    this.#channel.emit({ type: 'stop', reason });
    this.#channel.end();
  }

  #send(message: OutboundMessage): void {
    this.#sendText(JSON.stringify(message));
  }

  #sendText(text: string): void {
    if (this.#socket.readyState !== this.#socket.OPEN) return;
    this.#socket.send(text);
  }
}

function audioEvent(mulaw: Buffer, timestampMs: number, chunk: number): Extract<MediaStreamEvent, { type: 'audio' }> {
  return new AudioFrameEvent(mulaw, timestampMs, chunk);
}

/** One object per frame, with `pcm` decoded on first read (a getter closure per frame was a second allocation). */
class AudioFrameEvent {
  readonly type = 'audio';
  #pcm: Int16Array | undefined;

  constructor(
    readonly mulaw: Buffer,
    readonly timestampMs: number,
    readonly chunk: number,
  ) {}

  get pcm(): Int16Array {
    return (this.#pcm ??= decodeMulaw(this.mulaw));
  }
}
