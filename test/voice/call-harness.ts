import type { CallTuning } from '../../src/voice/stream/call-session.js';
import { AgentEar } from '../../src/tools/call-simulator.js';
import { CallerMicrophone } from '../../src/tools/caller-microphone.js';
import type { FakeDeepgram } from '../fakes/deepgram.js';
import type { FakeElevenLabs } from '../fakes/elevenlabs.js';
import type { FakeTwilioRest } from '../fakes/twilio-rest.js';
import { TwilioMediaClient } from '../fakes/twilio-media.js';
import { syntheticSpeech } from '../speech/synthetic-speech.js';
import { exampleBusinesses } from '../support/businesses.js';
import { sid, signedPost, startTestFrontdesk, type TestFrontdesk } from '../support/frontdesk.js';
import { startVoiceFakes } from '../support/voice-fakes.js';

/** Test timings: the real ones (7 s of silence, …) would make each test take half a minute. */
export const TEST_TUNING: CallTuning = { silenceRepromptMs: 600, falseInterruptionMs: 600, fillerAfterMs: 700, interDigitMs: 500 };

/** Caller audio fed this many times faster than real time (the fakes and the VAD count frames, not wall time). */
export const SPEED = 3;

export interface VoiceRig {
  app: TestFrontdesk;
  deepgram: FakeDeepgram;
  elevenlabs: FakeElevenLabs;
  twilio: FakeTwilioRest;
  close(): Promise<void>;
}

/** Frontdesk in stream mode against fake Deepgram, ElevenLabs and Twilio REST. */
export async function startVoiceRig(options: { tuning?: CallTuning; now?: Date } = {}): Promise<VoiceRig> {
  const fakes = await startVoiceFakes({ ttsMsPerCharacter: 8 });
  const app = await startTestFrontdesk(fakes.env, 'web', {
    ...(options.now ? { now: () => options.now! } : {}),
    voice: { call: options.tuning ?? TEST_TUNING },
  });
  const { deepgram, elevenlabs, twilio } = fakes;
  return { app, deepgram, elevenlabs, twilio, close: () => fakes.closeAfter(app) };
}

/** Half a second of voiced buzz with silence around it: an utterance the fakes hear as one. */
export function utterance(speechMs = 600): Buffer {
  return syntheticSpeech([{ silenceMs: 100 }, { speechMs }, { silenceMs: 100 }]);
}

/** One call from the caller's side, driven step by step. */
export class TestCall {
  readonly callSid = sid('CA');
  client!: TwilioMediaClient;
  ear!: AgentEar;
  microphone!: CallerMicrophone;
  /** performance.now() after which the agent's next words are awaited. */
  mark = 0;

  constructor(private readonly rig: VoiceRig, private readonly from = '+15551230001') {}

  async answer(): Promise<string> {
    const { salon } = exampleBusinesses();
    this.rig.twilio.addCall(this.callSid);
    const response = await signedPost(this.rig.app, '/twilio/voice', { CallSid: this.callSid, From: this.from, To: salon.phoneNumbers[0]!, CallStatus: 'ringing', Direction: 'inbound' });
    return response.text();
  }

  async connect(twiml: string): Promise<void> {
    const stream = /<Stream url="([^"]+)"/.exec(twiml)?.[1];
    const token = /<Parameter name="callToken" value="([^"]+)"/.exec(twiml)?.[1];
    if (!stream || !token) throw new Error(`not a stream answer: ${twiml}`);
    this.client = await TwilioMediaClient.connect({
      url: `${this.rig.app.url.replace(/^http/, 'ws')}/media-streams`,
      signedUrl: stream,
      authToken: this.rig.app.authToken,
      callSid: this.callSid,
    });
    this.mark = performance.now();
    this.ear = new AgentEar(this.client, this.mark);
    this.microphone = new CallerMicrophone((frame) => this.client.open && this.client.sendAudio(frame), { speed: SPEED });
    this.client.start({ callToken: token });
    this.microphone.start();
  }

  /** Waits for the agent to say something and finish. */
  async agentDone(): Promise<void> {
    await this.ear.waitUntilDone(this.mark, 400, 10_000);
  }

  async say(audio = utterance()): Promise<void> {
    const spoken = await this.microphone.say(audio);
    this.mark = spoken.lastSpeechAt;
  }

  async hangUp(): Promise<void> {
    this.microphone.stop();
    if (this.client.open) {
      this.client.sendStop();
      this.client.close();
    }
    await this.client.closed;
  }
}

/** The call's stored row. */
export async function storedCall(rig: VoiceRig, callSid: string): Promise<{ id: string; outcome: string | null; media_mode: string }> {
  const [row] = await rig.app.db.dataSource.query(`SELECT id, outcome, media_mode FROM calls WHERE call_sid = $1`, [callSid]);
  return row;
}

/** The call's stored turns, in order. */
export async function storedTurns(rig: VoiceRig, callSid: string): Promise<{ speaker: string; text: string; heard_text: string | null; interrupted: boolean }[]> {
  return rig.app.db.dataSource.query(
    `SELECT t.speaker, t.text, t.heard_text, t.interrupted FROM call_turns t JOIN calls c ON c.id = t.call_id WHERE c.call_sid = $1 ORDER BY t.seq`,
    [callSid],
  );
}

/** Reads until `ok` holds or `timeoutMs` passes, and returns the last value: the session stores just after it speaks, so poll rather than sleep. */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || performance.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
