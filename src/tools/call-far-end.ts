/**
 * The far end of the call benchmarks on a worker thread: the vendor fakes (Deepgram, ElevenLabs,
 * OpenAI) and the simulated callers (Twilio's side of each stream). In production these are other
 * machines; sharing Frontdesk's thread would charge their CPU and their garbage collection to
 * Frontdesk's turns. Only `call-fakes.ts` and the simulator are loaded here, never the app.
 *
 * Protocol (each request answered by one message, `{ error }` when it failed; see `WorkerPeer`):
 * `{ setup }` → `{ urls }` once the fakes listen; `{ call }` → `{ call: FarEndCall }`; `{ close }`
 * stops the fakes and ends the thread. Times crossing the thread are on the clock every thread shares
 * (`performance.timeOrigin + performance.now()`), not this thread's own.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import type { RecordedSynthesis } from '../../test/fakes/elevenlabs.js';
import { fakeUrls, startCallFakes, type VendorLatencies } from './call-fakes.js';
import { simulateCall, type SimulatedCall, type SimulatedCallOptions } from './call-simulator.js';

export interface FarEndSetup {
  latencies: VendorLatencies;
  ttsMsPerCharacter?: number;
  /** What the fake model answers to every request (the model path's "someone wants to book"). */
  modelFallback?: string;
}

export interface FarEndCallRequest {
  /** The simulator's options; `utterances` arrive as plain `Uint8Array`s (a `Buffer` is cloned as one). */
  options: Omit<SimulatedCallOptions, 'signal'>;
  /** What the fake Deepgram hears in each utterance, in order. */
  transcripts: string[];
  /** Drop transcripts an earlier call scripted but never spoke, so this call hears none of them. */
  forgetScript?: boolean;
}

export interface FarEndCall {
  /** `agentFrameTimes` on the shared clock. */
  call: SimulatedCall;
  /** The fake TTS's requests during the call, `firstChunkAt` on the shared clock. */
  syntheses: RecordedSynthesis[];
  /** Requests the fake model answered during the call. */
  modelRequests: number;
  /** This thread's GC pauses during the call, in ms. */
  gcPausesMs: number[];
}

/** A time on this thread's `performance.now()` as every thread of the process reads it, in ms. */
const onSharedClock = (threadMs: number) => performance.timeOrigin + threadMs;

async function serve(port: NonNullable<typeof parentPort>, setup: FarEndSetup): Promise<void> {
  const fakes = await startCallFakes(setup.latencies, setup.ttsMsPerCharacter === undefined ? {} : { ttsMsPerCharacter: setup.ttsMsPerCharacter });
  if (fakes.openai && setup.modelFallback !== undefined) fakes.openai.fallback = { content: setup.modelFallback };
  const gcPausesMs: number[] = [];
  const gc = new PerformanceObserver((list) => gcPausesMs.push(...list.getEntries().map((entry) => entry.duration)));
  gc.observe({ entryTypes: ['gc'] });

  const call = async (request: FarEndCallRequest): Promise<FarEndCall> => {
    const deepgram = fakes.deepgram as typeof fakes.deepgram & { nextTranscript(): string };
    if (request.forgetScript) {
      const fallback = deepgram.fallback;
      deepgram.fallback = '\u0000';
      while (deepgram.nextTranscript() !== '\u0000');
      deepgram.fallback = fallback;
    }
    deepgram.script(...request.transcripts);
    const synthesesBefore = fakes.elevenlabs.requests.length;
    const modelBefore = fakes.openai?.requests.length ?? 0;
    gcPausesMs.length = 0;
    const utterances = request.options.utterances.map((audio) => Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength));
    const simulated = await simulateCall({ ...request.options, utterances });
    return {
      call: { ...simulated, agentFrameTimes: simulated.agentFrameTimes.map(onSharedClock) },
      syntheses: fakes.elevenlabs.requests
        .slice(synthesesBefore)
        .map((synthesis) => ({ ...synthesis, ...(synthesis.firstChunkAt === undefined ? {} : { firstChunkAt: onSharedClock(synthesis.firstChunkAt) }) })),
      modelRequests: (fakes.openai?.requests.length ?? 0) - modelBefore,
      gcPausesMs: [...gcPausesMs],
    };
  };

  port.on('message', (message: { call?: FarEndCallRequest; close?: true }) => {
    if (message.call) {
      call(message.call).then(
        (result) => port.postMessage({ call: result }),
        (error: unknown) => port.postMessage({ error: String(error) }),
      );
    } else if (message.close) {
      gc.disconnect();
      fakes.close().then(
        () => port.close(),
        (error: unknown) => port.postMessage({ error: String(error) }),
      );
    }
  });
  port.postMessage({ urls: fakeUrls(fakes) });
}

const port = parentPort;
port?.once('message', (message: { setup: FarEndSetup }) => {
  serve(port, message.setup).catch((error: unknown) => port.postMessage({ error: String(error) }));
});
