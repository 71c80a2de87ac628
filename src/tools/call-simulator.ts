import { FRAME_MS } from '../../media-streams/index.js';
import { TwilioMediaClient, type OutboundRecord } from '../../test/fakes/twilio-media.js';
import { isSpeechFrame, CallerMicrophone } from './caller-microphone.js';
import { postSignedForm, sid, unescapeXml } from './twilio-client.js';

/**
 * Acts as Twilio and the caller for one phone call: posts the signed voice webhook, opens the
 * signed media stream with the TwiML's token, speaks each utterance once the agent has stopped
 * talking (or over it, for a barge-in) and measures, at the audio, how long the agent took to
 * answer. Everything is on `performance.now()`.
 */
export interface SimulatedCallOptions {
  /** Where to post, e.g. `http://127.0.0.1:3000`. */
  target: string;
  /** The public origin the signatures cover. */
  publicUrl: string;
  authToken: string;
  from: string;
  to: string;
  /** Caller audio per utterance, mu-law 8 kHz. */
  utterances: Buffer[];
  /** 1-based: start this utterance while the agent is still speaking. */
  bargeIn?: number | undefined;
  /** Agent silence that counts as "done talking", in ms. Default 700. */
  agentQuietMs?: number;
  /** How far into the agent's speech a barge-in starts, in ms. Default 800. */
  bargeInAfterMs?: number;
  /** > 1 feeds caller audio faster than real time. Default 1. */
  speed?: number;
  /** Longest wait for the agent to speak, in ms. Default 20 000. */
  agentTimeoutMs?: number;
  /** Aborting hangs up at the next wait (load benchmarks bound their run time with it). */
  signal?: AbortSignal;
}

export interface UtteranceMeasure {
  /** Last caller speech frame → first non-silent agent frame after it, in ms. */
  voiceToVoiceMs: number | undefined;
  /** For a barge-in: first caller speech frame → the `clear` arriving, in ms. */
  clearAfterMs?: number | undefined;
}

export interface SimulatedCall {
  callSid: string;
  /** `stream` or `gather` (the TwiML did not connect a stream). */
  mode: 'stream' | 'gather';
  measures: UtteranceMeasure[];
  /** The agent hung up (closed the stream) before the caller did. */
  agentEnded: boolean;
  /** When each of the agent's media frames arrived, on `performance.now()` (load benchmarks read the pacing). */
  agentFrameTimes: number[];
  /** The stream's close code (stream mode): 1000 when either side hung up cleanly, 1006 when the socket just dropped. */
  closeCode?: number;
}

export async function simulateCall(options: SimulatedCallOptions): Promise<SimulatedCall> {
  const callSid = sid('CA');
  const params = { CallSid: callSid, AccountSid: `AC${'0'.repeat(32)}`, From: options.from, To: options.to, CallStatus: 'ringing', Direction: 'inbound' };
  const answer = await postSignedForm({ url: `${options.target}/twilio/voice`, signedUrl: `${options.publicUrl}/twilio/voice`, token: options.authToken, params });
  if (answer.status !== 200) throw new Error(`/twilio/voice answered ${answer.status}: ${answer.body}`);
  const stream = /<Stream url="([^"]+)"/.exec(answer.body)?.[1];
  const token = /<Parameter name="callToken" value="([^"]+)"/.exec(answer.body)?.[1];
  if (!stream || !token) return { callSid, mode: 'gather', measures: [], agentEnded: false, agentFrameTimes: [] };

  const wsTarget = `${options.target.replace(/^http/, 'ws')}${new URL(stream).pathname}`;
  const client = await TwilioMediaClient.connect({ url: wsTarget, signedUrl: unescapeXml(stream), authToken: options.authToken, callSid });
  const openedAt = performance.now();
  const agent = new AgentEar(client, openedAt, options.signal);
  const microphone = new CallerMicrophone((frame) => client.open && client.sendAudio(frame), { speed: options.speed ?? 1 });
  client.start({ callToken: unescapeXml(token) });
  microphone.start();
  const measures: UtteranceMeasure[] = [];
  const quietMs = options.agentQuietMs ?? 700;
  const timeoutMs = options.agentTimeoutMs ?? 20_000;
  try {
    let since = openedAt;
    for (const [index, audio] of options.utterances.entries()) {
      if (!client.open || options.signal?.aborted) break;
      const bargeIn = options.bargeIn === index + 1;
      if (bargeIn) {
        const began = await agent.waitForSound(since, timeoutMs);
        if (began !== undefined) await sleep(Math.max(0, began + (options.bargeInAfterMs ?? 800) - performance.now()));
      } else {
        await agent.waitUntilDone(since, quietMs, timeoutMs);
      }
      if (!client.open || options.signal?.aborted) break;
      const clearsBefore = agent.clears();
      const spoken = await microphone.say(audio);
      const answeredAt = await agent.waitForSound(spoken.lastSpeechAt, timeoutMs);
      const clearAt = bargeIn ? agent.clearAfter(clearsBefore) : undefined;
      measures.push({
        voiceToVoiceMs: answeredAt === undefined ? undefined : Math.round(answeredAt - spoken.lastSpeechAt),
        ...(bargeIn ? { clearAfterMs: clearAt === undefined ? undefined : Math.round(clearAt - spoken.firstSpeechAt) } : {}),
      });
      since = spoken.lastSpeechAt;
    }
    await agent.waitUntilDone(since, quietMs, timeoutMs);
  } finally {
    microphone.stop();
  }
  const agentEnded = !client.open;
  if (client.open) {
    client.sendStop();
    client.close();
  }
  const { code: closeCode } = await client.closed;
  const agentFrameTimes = client.outbound.flatMap((record) => (record.event === 'media' ? [openedAt + record.arrivedAtMs] : []));
  return { callSid, mode: 'stream', measures, agentEnded, agentFrameTimes, closeCode };
}

/** What the caller hears: the agent's frames as they arrive. */
export class AgentEar {
  constructor(
    private readonly client: TwilioMediaClient,
    private readonly openedAt: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** When the first non-silent frame after `after` arrived; waits for it. */
  async waitForSound(after: number, timeoutMs: number): Promise<number | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.#sounds().find((at) => at > after);
      if (found !== undefined) return found;
      if (performance.now() > deadline || !this.client.open || this.signal?.aborted) return undefined;
      await sleep(FRAME_MS / 2);
    }
  }

  /** Waits for the agent to speak after `after`, then for `quietMs` without sound. */
  async waitUntilDone(after: number, quietMs: number, timeoutMs: number): Promise<void> {
    if ((await this.waitForSound(after, timeoutMs)) === undefined) return;
    while (this.client.open && !this.signal?.aborted) {
      const last = this.#sounds().at(-1) ?? after;
      if (performance.now() - last >= quietMs) return;
      await sleep(FRAME_MS);
    }
  }

  clears(): number {
    return this.client.outbound.filter((record) => record.event === 'clear').length;
  }

  clearAfter(count: number): number | undefined {
    const record = this.client.outbound.filter((r): r is Extract<OutboundRecord, { event: 'clear' }> => r.event === 'clear')[count];
    return record === undefined ? undefined : this.openedAt + record.arrivedAtMs;
  }

  #scanned = 0;
  readonly #soundTimes: number[] = [];

  /** Arrival times of the agent's non-silent frames (scanned once each). */
  #sounds(): number[] {
    const outbound = this.client.outbound;
    for (; this.#scanned < outbound.length; this.#scanned++) {
      const record = outbound[this.#scanned]!;
      if (record.event === 'media' && isSpeechFrame(record.payload)) this.#soundTimes.push(this.openedAt + record.arrivedAtMs);
    }
    return this.#soundTimes;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
