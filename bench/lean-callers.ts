/**
 * Twilio's side of many calls at once, for the concurrency benchmark: the same wire protocol as
 * the call simulator (signed voice webhook, signed websocket, `connected`/`start`, a caller frame
 * every 20 ms, marks echoed once the audio before them has played, `stop`), at a fraction of its
 * cost, because on a 2-core machine the callers' thread competes with the web process it measures.
 * The call simulator is written for clarity (a timer per microphone, every message parsed and kept,
 * a poll per call every 10 ms); with hundreds of calls those costs made the callers' own event
 * loop the largest part of the jitter measured. Here:
 * - the callers' frames go out on a few shared frame clocks, their phases spread over the 20 ms
 *   like independent phones, each message built from a precomputed payload;
 * - an agent frame is recognised by its first bytes and only its arrival time and loudness are
 *   kept; only marks and `clear` are parsed;
 * - each call's script (wait for the greeting to end, say the utterance, wait for the reply to
 *   end, hang up) advances on its clock's ticks instead of on timers of its own.
 */
import twilio from 'twilio';
import WebSocket from 'ws';
import { FRAME_BYTES, FRAME_MS, FrameClock, SILENCE_BYTE } from '../media-streams/index.js';
import { mulawFrameEnergyDbfs } from '../media-streams/voice-activity.js';
import { postSignedForm, sid, unescapeXml } from '../src/tools/twilio-client.js';

export interface LeanCallOptions {
  target: string;
  publicUrl: string;
  authToken: string;
  from: string;
  to: string;
  /** Agent silence that counts as "done talking", in ms. */
  agentQuietMs: number;
  /** Longest wait for the agent to start or finish a turn, in ms. */
  agentTimeoutMs: number;
  /** Aborting hangs up at the next tick. */
  signal: AbortSignal;
}

export interface LeanCall {
  mode: 'stream' | 'gather';
  /** Arrival of each agent media frame, `performance.now()` ms. */
  frameTimes: number[];
}

/** The call simulator's speech threshold (RMS 300 of 32768) in dBFS. */
const SOUND_DBFS = 20 * Math.log10(300 / 32768);
const MEDIA_PREFIX = Buffer.from('{"event":"media"');
const PAYLOAD_KEY = Buffer.from('"payload":"');
/** Separate clocks, started this far apart, so the callers' frames do not all land in one burst. */
const CLOCK_PHASES = 10;

type Phase = 'greeting' | 'speaking' | 'reply' | 'ended';

/** Many calls placed from one thread, sharing its frame clocks. */
export class LeanCallers {
  readonly #utterance: string[];
  readonly #silence: string;
  readonly #clocks: FrameClock[] = [];
  #next = 0;

  /** `utterance`: what every caller says, mu-law 8 kHz. */
  constructor(utterance: Buffer) {
    this.#utterance = [];
    for (let offset = 0; offset < utterance.length; offset += FRAME_BYTES) {
      const frame = Buffer.alloc(FRAME_BYTES, SILENCE_BYTE);
      utterance.copy(frame, 0, offset, Math.min(offset + FRAME_BYTES, utterance.length));
      this.#utterance.push(frame.toString('base64'));
    }
    this.#silence = Buffer.alloc(FRAME_BYTES, SILENCE_BYTE).toString('base64');
  }

  /** Starts the clocks, `FRAME_MS / CLOCK_PHASES` apart (each runs while a call rides it). */
  async start(): Promise<void> {
    for (let i = 0; i < CLOCK_PHASES; i += 1) {
      const clock = new FrameClock();
      // A clock's phase is fixed when its first listener subscribes; a placeholder holds it.
      clock.subscribe(() => {});
      this.#clocks.push(clock);
      await new Promise((resolve) => setTimeout(resolve, FRAME_MS / CLOCK_PHASES));
    }
  }

  stop(): void {
    for (const clock of this.#clocks) clock.stop();
    this.#clocks.length = 0;
  }

  async place(options: LeanCallOptions): Promise<LeanCall> {
    const callSid = sid('CA');
    const params = { CallSid: callSid, AccountSid: `AC${'0'.repeat(32)}`, From: options.from, To: options.to, CallStatus: 'ringing', Direction: 'inbound' };
    const answer = await postSignedForm({ url: `${options.target}/twilio/voice`, signedUrl: `${options.publicUrl}/twilio/voice`, token: options.authToken, params });
    if (answer.status !== 200) throw new Error(`/twilio/voice answered ${answer.status}`);
    const stream = /<Stream url="([^"]+)"/.exec(answer.body)?.[1];
    const token = /<Parameter name="callToken" value="([^"]+)"/.exec(answer.body)?.[1];
    if (!stream || !token) return { mode: 'gather', frameTimes: [] };
    const signedUrl = unescapeXml(stream);
    const ws = new WebSocket(`${options.target.replace(/^http/, 'ws')}${new URL(signedUrl).pathname}`, {
      headers: { 'X-Twilio-Signature': twilio.getExpectedTwilioSignature(options.authToken, signedUrl, {}) },
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const call = new LeanStream(ws, callSid, this.#utterance, this.#silence, options);
    call.start(unescapeXml(token));
    const unsubscribe = this.#clocks[this.#next++ % this.#clocks.length]!.subscribe((ticks) => call.tick(ticks));
    await call.ended;
    unsubscribe();
    return { mode: 'stream', frameTimes: call.frameTimes };
  }
}

/** One call's stream and script. */
class LeanStream {
  readonly frameTimes: number[] = [];
  readonly ended: Promise<void>;
  readonly #ws: WebSocket;
  readonly #callSid: string;
  readonly #streamSid = `MZ${sid('CA').slice(2)}`;
  readonly #utterance: string[];
  readonly #silence: string;
  readonly #options: LeanCallOptions;
  readonly #scratch = Buffer.alloc(FRAME_BYTES * 2);
  readonly #pendingMarks: { name: string; dueAtMs: number }[] = [];
  #phase: Phase = 'greeting';
  #phaseStartedAt = performance.now();
  #spokenFrames = 0;
  #lastSpeechAt = 0;
  #lastSoundAt = 0;
  #playbackEndsAt = 0;
  #sequence = 0;
  #chunk = 0;

  constructor(ws: WebSocket, callSid: string, utterance: string[], silence: string, options: LeanCallOptions) {
    this.#ws = ws;
    this.#callSid = callSid;
    this.#utterance = utterance;
    this.#silence = silence;
    this.#options = options;
    this.ended = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('message', (data: Buffer) => this.#onMessage(data));
    ws.on('error', () => {});
  }

  start(callToken: string): void {
    this.#send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.#send({
      event: 'start',
      sequenceNumber: String(++this.#sequence),
      streamSid: this.#streamSid,
      start: {
        streamSid: this.#streamSid,
        accountSid: `AC${'0'.repeat(32)}`,
        callSid: this.#callSid,
        tracks: ['inbound'],
        customParameters: { callToken },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
  }

  /** One frame per elapsed period (a late tick sends the missed ones, as a phone's stream would). */
  tick(elapsedTicks: number): void {
    if (this.#phase === 'ended') return;
    for (let i = 0; i < elapsedTicks; i += 1) this.#sendFrame();
    const now = performance.now();
    this.#echoDueMarks(now);
    this.#advance(now);
  }

  #sendFrame(): void {
    let payload = this.#silence;
    if (this.#phase === 'speaking') {
      payload = this.#utterance[this.#spokenFrames++]!;
      if (this.#spokenFrames === this.#utterance.length) {
        this.#lastSpeechAt = performance.now();
        this.#enter('reply');
      }
    }
    this.#chunk += 1;
    this.#sequence += 1;
    this.#ws.send(
      `{"event":"media","sequenceNumber":"${this.#sequence}","streamSid":"${this.#streamSid}","media":{"track":"inbound","chunk":"${this.#chunk}","timestamp":"${(this.#chunk - 1) * FRAME_MS}","payload":"${payload}"}}`,
    );
  }

  #advance(now: number): void {
    if (this.#options.signal.aborted) return this.#hangUp();
    const waiting = this.#phase === 'greeting' ? this.#phaseStartedAt : this.#phase === 'reply' ? this.#lastSpeechAt : undefined;
    if (waiting === undefined) return;
    const heard = this.#lastSoundAt > waiting;
    if (heard && now - this.#lastSoundAt >= this.#options.agentQuietMs) {
      if (this.#phase === 'greeting') this.#enter('speaking');
      else this.#hangUp();
    } else if (now - (heard ? this.#lastSoundAt : waiting) > this.#options.agentTimeoutMs) {
      this.#hangUp();
    }
  }

  #enter(phase: Phase): void {
    this.#phase = phase;
    this.#phaseStartedAt = performance.now();
  }

  #hangUp(): void {
    if (this.#phase === 'ended') return;
    this.#enter('ended');
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    this.#send({ event: 'stop', sequenceNumber: String(++this.#sequence), streamSid: this.#streamSid, stop: { accountSid: `AC${'0'.repeat(32)}`, callSid: this.#callSid } });
    this.#ws.close(1000);
  }

  #onMessage(data: Buffer): void {
    const now = performance.now();
    if (data.length > MEDIA_PREFIX.length && data.compare(MEDIA_PREFIX, 0, MEDIA_PREFIX.length, 0, MEDIA_PREFIX.length) === 0) {
      this.frameTimes.push(now);
      this.#playbackEndsAt = Math.max(now, this.#playbackEndsAt) + FRAME_MS;
      const start = data.indexOf(PAYLOAD_KEY) + PAYLOAD_KEY.length;
      const bytes = this.#scratch.write(data.toString('latin1', start, data.length - 3), 'base64');
      if (mulawFrameEnergyDbfs(this.#scratch.subarray(0, bytes)) > SOUND_DBFS) this.#lastSoundAt = now;
      return;
    }
    const message = JSON.parse(data.toString()) as { event?: string; mark?: { name?: string } };
    if (message.event === 'mark') {
      this.#pendingMarks.push({ name: message.mark?.name ?? '', dueAtMs: Math.max(now, this.#playbackEndsAt) });
    } else if (message.event === 'clear') {
      // Twilio drops its buffered audio and echoes every outstanding mark at once.
      this.#playbackEndsAt = now;
      for (const mark of this.#pendingMarks) mark.dueAtMs = now;
      this.#echoDueMarks(now);
    }
  }

  #echoDueMarks(now: number): void {
    while (this.#pendingMarks[0] && this.#pendingMarks[0].dueAtMs <= now + 1) {
      const { name } = this.#pendingMarks.shift()!;
      if (this.#ws.readyState === WebSocket.OPEN) this.#send({ event: 'mark', sequenceNumber: String(++this.#sequence), streamSid: this.#streamSid, mark: { name } });
    }
  }

  #send(message: object): void {
    this.#ws.send(JSON.stringify(message));
  }
}
