/**
 * Twilio's and the callers' side of fault #16's soak, on a worker thread (as in
 * `bench/concurrency-callers.ts`) so that their work — every stream's caller, the fake Deepgram
 * hearing every frame, the fake ElevenLabs, OpenAI and Twilio REST — is neither charged to the
 * Frontdesk thread's event loop nor to its heap.
 *
 * Protocol with the test: posts `{ vendors }` once the fakes listen; answers each `{ phase }` with
 * `{ result }`; `{ close }` stops the fakes and ends the thread.
 *
 * A phase keeps `lanes` calls up at once: each lane places a call (`simulateCall`: the signed
 * voice webhook, the signed media stream, a frame every 20 ms from the caller for the whole call,
 * the greeting heard, one utterance, the reply heard, hang-up, then Twilio's final status callback)
 * and, when it ends, the next one,
 * until `durationMs` has passed; then it lets the calls in flight finish.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { fakeUrls, startCallFakes } from '../../src/tools/call-fakes.js';
import { warbledSpeech } from '../../src/tools/caller-microphone.js';
import { simulateCall, type SimulatedCall } from '../../src/tools/call-simulator.js';
import { postSignedForm } from '../../src/tools/twilio-client.js';
import type { FakeDeepgramConnection } from '../fakes/deepgram.js';
import { startFakeTwilioRest } from '../fakes/twilio-rest.js';
import { modelAnswer } from '../support/model-answer.js';
import { fakeVendorEnv } from '../support/vendor-env.js';

/** Event-loop delay sampling period; Node counts it in every sample, so it is taken off (as in the soak). */
const LAG_RESOLUTION_MS = 10;

export interface SoakPhase {
  lanes: number;
  /** No call starts after this, in ms from the phase's start. */
  durationMs: number;
  /** The lanes' first calls start spread over this, in ms, so that turns do not all land together. */
  rampMs: number;
  target: string;
  publicUrl: string;
  authToken: string;
  to: string;
  /** Callers are numbered from here, one number per call. */
  firstCaller: number;
}

export interface SoakResult {
  started: number;
  /**
   * Calls that went the whole way: stream answered, greeting and reply heard, closed with 1000 by
   * the caller, final status callback accepted.
   */
  completed: number;
  /**
   * Calls Frontdesk answered in Twilio's `<Gather>` mode instead of a stream (its degradation when
   * Deepgram is not connected within the answer's 1 s): served, not dropped; the simulator does not
   * go on with them.
   */
  gather: number;
  /** Calls that did not go the whole way and were not answered in `<Gather>` mode, by reason, with a few call SIDs each. */
  dropped: Record<string, { count: number; callSids: string[] }>;
  /** Wall time of a whole call, in ms. */
  callMsP50: number;
  /** The agent's frames the callers received. */
  agentFrames: number;
  /** This thread's own event-loop delay p99, in ms: above a few ms its callers' timings are suspect. */
  callerLoopDelayP99Ms: number;
  callerLoopDelayMaxMs: number;
  /** This thread's heap at the end (not collected first), in MB: its share of the process's RSS. */
  callerHeapUsedMb: number;
}

const TRANSCRIPT = "hi I'd like a haircut tomorrow at three pm";
/** The longest a call may take once no new ones start; one stuck past it counts as dropped. */
const DRAIN_MS = 60_000;

async function runPhase(phase: SoakPhase): Promise<SoakResult> {
  const utterance = warbledSpeech(1.5);
  const delay = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  delay.enable();
  const result: SoakResult = { started: 0, completed: 0, gather: 0, dropped: {}, callMsP50: 0, agentFrames: 0, callerLoopDelayP99Ms: 0, callerLoopDelayMaxMs: 0, callerHeapUsedMb: 0 };
  const callMs: number[] = [];
  const startedAt = performance.now();
  const stopStartingAt = startedAt + phase.durationMs;
  const hangUpAll = AbortSignal.timeout(phase.durationMs + DRAIN_MS);
  const drop = (reason: string, callSid: string) => {
    const entry = (result.dropped[reason] ??= { count: 0, callSids: [] });
    entry.count += 1;
    if (entry.callSids.length < 3) entry.callSids.push(callSid);
  };

  const lane = async (index: number) => {
    await sleep((index * phase.rampMs) / phase.lanes);
    while (performance.now() < stopStartingAt) {
      const caller = phase.firstCaller + result.started;
      result.started += 1;
      const callStartedAt = performance.now();
      try {
        const call = await simulateCall({
          target: phase.target,
          publicUrl: phase.publicUrl,
          authToken: phase.authToken,
          from: `+1555${String(caller).padStart(7, '0')}`,
          to: phase.to,
          utterances: [utterance],
          agentQuietMs: 500,
          agentTimeoutMs: 15_000,
          signal: hangUpAll,
        });
        result.agentFrames += call.agentFrameTimes.length;
        // The caller hung up: Twilio posts the call's final status.
        const status = await postSignedForm({
          url: `${phase.target}/twilio/voice/status`,
          signedUrl: `${phase.publicUrl}/twilio/voice/status`,
          token: phase.authToken,
          params: { CallSid: call.callSid, AccountSid: `AC${'0'.repeat(32)}`, CallStatus: 'completed', CallDuration: String(Math.round((performance.now() - callStartedAt) / 1000)) },
        });
        const missing = call.mode === 'gather' ? statusShortfall(status.status) : shortfall(call, status.status);
        if (missing) drop(missing, call.callSid);
        else if (call.mode === 'gather') result.gather += 1;
        else {
          result.completed += 1;
          callMs.push(performance.now() - callStartedAt);
        }
      } catch (error) {
        drop(`failed: ${String(error).slice(0, 120)}`, '-');
      }
    }
  };
  const forgetting = setInterval(forgetRecorded, 10_000);
  await Promise.all(Array.from({ length: phase.lanes }, (_unused, index) => lane(index)));
  clearInterval(forgetting);
  forgetRecorded();
  delay.disable();
  callMs.sort((a, b) => a - b);
  result.callMsP50 = Math.round(callMs[Math.floor(callMs.length / 2)] ?? 0);
  result.callerLoopDelayP99Ms = delay.percentile(99) / 1e6 - LAG_RESOLUTION_MS;
  result.callerLoopDelayMaxMs = delay.max / 1e6 - LAG_RESOLUTION_MS;
  result.callerHeapUsedMb = process.memoryUsage().heapUsed / 2 ** 20;
  return result;
}

/** Why a stream call did not go the whole way; undefined when it did. */
function shortfall(call: SimulatedCall, statusCode: number): string | undefined {
  if (call.agentEnded) return 'stream closed by Frontdesk';
  if (call.closeCode !== 1000) return `stream closed with ${call.closeCode}`;
  if (call.agentFrameTimes.length === 0) return 'no greeting heard';
  if (call.measures[0]?.voiceToVoiceMs === undefined) return 'no reply heard';
  return statusShortfall(statusCode);
}

function statusShortfall(statusCode: number): string | undefined {
  return statusCode >= 300 ? `status callback answered ${statusCode}` : undefined;
}

/**
 * The fakes record every session and request for tests to read (hence readonly); the soak reads
 * none, and a soak's worth would only grow this thread's heap and the process's RSS.
 */
function forgetRecorded(): void {
  const sessions = fakes.deepgram.connections as FakeDeepgramConnection[];
  const open = sessions.filter((session) => !session.closed);
  sessions.length = 0;
  sessions.push(...open);
  for (const recorded of [fakes.elevenlabs.requests, fakes.openai?.requests ?? [], twilio.requests]) (recorded as unknown[]).length = 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// The published first-response latencies (issue 10), the fake ElevenLabs' audio at 30 ms a
// character (a greeting of a few seconds), and a fake model for whatever the rules leave unsure.
const fakes = await startCallFakes({ deepgramMs: 350, ttsMs: 75, llmMs: 350 }, { ttsMsPerCharacter: 30 });
fakes.deepgram.fallback = TRANSCRIPT;
fakes.openai!.fallback = { content: modelAnswer({ acts: ['inform_intent'], intent: 'book', confidence: 0.9 }) };
const twilio = await startFakeTwilioRest();
parentPort!.postMessage({ vendors: fakeVendorEnv({ ...fakeUrls(fakes), twilio }) });
parentPort!.on('message', (message: { phase?: SoakPhase; close?: true }) => {
  if (message.phase) {
    runPhase(message.phase).then(
      (result) => parentPort!.postMessage({ result }),
      (error: unknown) => parentPort!.postMessage({ error: String(error) }),
    );
  } else if (message.close) {
    Promise.all([fakes.close(), twilio.close()]).then(
      () => parentPort!.close(),
      (error: unknown) => parentPort!.postMessage({ error: String(error) }),
    );
  }
});
