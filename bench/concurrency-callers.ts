/**
 * The far side of the concurrency benchmark, on its own thread so that its work (Twilio's side
 * of every stream, the fake Deepgram hearing every frame, the fake ElevenLabs) is not charged to
 * the web process's event loop, and its measurements are not delayed by it.
 *
 * Protocol with the main thread: posts `{ urls }` once the fakes listen; then answers each
 * `{ run }` with `{ result }`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LAG_RESOLUTION_MS, loopDelayP99Ms } from './measure.js';
import { parentPort } from 'node:worker_threads';
import { fakeUrls, startCallFakes } from '../src/tools/call-fakes.js';
import { warbledSpeech } from '../src/tools/caller-microphone.js';
import { LeanCallers } from './lean-callers.js';

export interface CallersRun {
  calls: number;
  target: string;
  publicUrl: string;
  authToken: string;
  to: string;
  /** Calls start this far apart, in ms (a burst of hundreds of answers in one ms is not a load pattern). */
  staggerMs: number;
  /** Calls still going after this are hung up, in ms. */
  deadlineMs: number;
}

export interface CallersResult {
  callsAnswered: number;
  callsFailed: number;
  /** Per call, arrival times of the agent's frames (ms, this thread's clock). */
  frameTimes: number[][];
  /** This thread's own event-loop delay p99, in ms: above a few ms, its timings are suspect. */
  callerLoopDelayP99Ms: number;
}

const TRANSCRIPT = "hi I'd like a haircut tomorrow at three pm";

async function runCalls(run: CallersRun): Promise<CallersResult> {
  const callers = new LeanCallers(warbledSpeech(1.5));
  await callers.start();
  const delay = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  delay.enable();
  const deadline = AbortSignal.timeout(run.deadlineMs);
  const calls = Array.from({ length: run.calls }, async (_unused, index) => {
    await new Promise((resolve) => setTimeout(resolve, index * run.staggerMs));
    try {
      return await callers.place({
        target: run.target,
        publicUrl: run.publicUrl,
        authToken: run.authToken,
        from: `+1555${String(3000000 + index).padStart(7, '0')}`,
        to: run.to,
        agentQuietMs: 500,
        agentTimeoutMs: Math.max(1000, run.deadlineMs - index * run.staggerMs),
        signal: deadline,
      });
    } catch {
      return undefined;
    }
  });
  const finished = await Promise.all(calls);
  delay.disable();
  callers.stop();
  const answered = finished.filter((call) => call?.mode === 'stream');
  return {
    callsAnswered: answered.length,
    callsFailed: run.calls - answered.length,
    frameTimes: answered.map((call) => call!.frameTimes),
    callerLoopDelayP99Ms: loopDelayP99Ms(delay),
  };
}

const fakes = await startCallFakes({ deepgramMs: 350, ttsMs: 75 }, { ttsMsPerCharacter: 30 });
fakes.deepgram.fallback = TRANSCRIPT;
parentPort!.postMessage({ urls: fakeUrls(fakes) });
parentPort!.on('message', (message: { run?: CallersRun; close?: true }) => {
  if (message.run) {
    runCalls(message.run).then(
      (result) => parentPort!.postMessage({ result }),
      (error: unknown) => parentPort!.postMessage({ error: String(error) }),
    );
  } else if (message.close) {
    fakes.close().then(
      () => parentPort!.close(),
      (error: unknown) => parentPort!.postMessage({ error: String(error) }),
    );
  }
});
