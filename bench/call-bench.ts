/**
 * What the call benchmarks share: caller speech made once per sentence, Frontdesk started in this
 * process (the call simulator's harness) and the far end of its calls — the vendor fakes and the
 * simulated callers — on a worker thread (`src/tools/call-far-end.ts`), as other machines are in
 * production, so their CPU and GC are not counted in Frontdesk's turns; and the figures the
 * stored turns hold. Logs go to stderr at warn so stdout stays `name: value unit` lines.
 */
import pino from 'pino';
import { parseEnv, type Env } from '../src/config/env.js';
import { createLogger, type Logger } from '../src/observability/logger.js';
import { startLocalFrontdesk, type LocalFrontdesk, type VendorLatencies, type VendorUrls } from '../src/tools/call-harness.js';
import { espeakMulaw } from '../src/tools/espeak-speech.js';
import type { Business } from '../src/config/business-schema.js';
import { findBusiness } from '../src/tools/business-file.js';
import type { FarEndCall, FarEndCallRequest, FarEndSetup } from '../src/tools/call-far-end.js';
import type { SimulatedCallOptions } from '../src/tools/call-simulator.js';
import type { LocalFrontdeskOptions } from '../src/tools/call-harness.js';
import { percentile } from './measure.js';
import { modelAnswer } from '../test/support/model-answer.js';
import { WorkerPeer } from '../test/support/worker-peer.js';

export { percentile };

/** Published figures the fakes are set to (issue 10): Deepgram final, LLM first token, ElevenLabs flash first byte. */
export const PUBLISHED: Required<VendorLatencies> = { deepgramMs: 350, llmMs: 350, ttsMs: 75 };
/** Deepgram's endpointing silence (our `endpointing=300`) comes before its 350 ms. */
export const ENDPOINTING_SILENCE_MS = 300;
export const SALON_NUMBER = '+15550001000';
/** The salon's day for every call bench: a Tuesday morning, so "tomorrow at three" is bookable. */
export const BENCH_NOW = new Date('2026-12-01T15:00:00Z');

export function benchLogger(): Logger {
  return createLogger({ level: 'warn', destination: pino.destination(2) });
}

const speech = new Map<string, Promise<Buffer>>();

/** espeak-ng audio of `text`, made once per run. */
export function spoken(text: string): Promise<Buffer> {
  let audio = speech.get(text);
  if (!audio) speech.set(text, (audio = espeakMulaw(text)));
  return audio;
}

/** The vendor fakes and the simulated callers on their thread (`call-far-end.ts`). */
export class FarEnd {
  readonly #peer = new WorkerPeer(new URL('../src/tools/call-far-end.ts', import.meta.url));

  /** Starts the fakes; resolves with where Frontdesk finds them. */
  start(setup: FarEndSetup): Promise<VendorUrls> {
    return this.#peer.ask<{ urls: VendorUrls }>({ setup }).then((message) => message.urls);
  }

  call(request: FarEndCallRequest): Promise<FarEndCall> {
    return this.#peer.ask<{ call: FarEndCall }>({ call: request }).then((message) => message.call);
  }

  close(): Promise<void> {
    return this.#peer.close({ close: true });
  }
}

export interface CallRig {
  env: Env;
  /** The fakes and the callers, on their own thread. */
  farEnd: FarEnd;
  /** Where the fakes listen (the benches' own requests to them: the fakes' floors). */
  vendors: VendorUrls;
  frontdesk: LocalFrontdesk;
  close(): Promise<void>;
}

/**
 * Fakes at `latencies` and Frontdesk against them. `ttsMsPerCharacter` shortens the fake's audio
 * (default 60 ms a character makes a 5 s greeting) so a bench spends its time on turns.
 */
export async function startCallRig(latencies: VendorLatencies, options: { ttsMsPerCharacter?: number } & Partial<LocalFrontdeskOptions> = {}): Promise<CallRig> {
  const env = parseEnv();
  const farEnd = new FarEnd();
  try {
    const vendors = await farEnd.start({
      latencies,
      ttsMsPerCharacter: options.ttsMsPerCharacter ?? 20,
      // What the fake model says to every unsure sentence: someone wants to book.
      modelFallback: modelAnswer({ acts: ['inform_intent'], intent: 'book', confidence: 0.9 }),
    });
    const logger = options.logger ?? benchLogger();
    // The web role alone, as production runs it: the workers (outbox relay, confirmation texts
    // after a booking) have their own process and do not share the calls' event loop.
    const frontdesk = await startLocalFrontdesk(env, vendors, { now: BENCH_NOW, role: 'web', ...options, logger });
    return {
      env,
      farEnd,
      vendors,
      frontdesk,
      async close() {
        await frontdesk.close();
        await farEnd.close();
      },
    };
  } catch (error) {
    await farEnd.close();
    throw error;
  }
}

/** The salon, as the rig loaded it from its business files. */
export function rigSalon(rig: CallRig): Business {
  return findBusiness(rig.env.BUSINESS_CONFIG, 'salon', (message) => {
    throw new Error(message);
  });
}

/**
 * One simulated call to the salon through the rig's Frontdesk, placed from the far end's thread;
 * the fake Deepgram hears `transcripts` in its utterances.
 */
export function callSalon(
  rig: CallRig,
  from: string,
  call: Omit<SimulatedCallOptions, 'target' | 'publicUrl' | 'authToken' | 'from' | 'to' | 'signal'> & Pick<FarEndCallRequest, 'transcripts' | 'forgetScript'>,
): Promise<FarEndCall> {
  const { target, publicUrl, authToken } = rig.frontdesk;
  const { transcripts, forgetScript, ...options } = call;
  return rig.farEnd.call({ options: { target, publicUrl, authToken, from, to: rigSalon(rig).phoneNumbers[0]!, ...options }, transcripts, ...(forgetScript ? { forgetScript } : {}) });
}

/** A caller number per call, so no call finds another's booking or conversation. */
export function callerNumber(index: number): string {
  return `+1555${String(2000000 + index).padStart(7, '0')}`;
}

/** `name: value unit`, the one output format of `npm run bench`. */
export function figure(name: string, value: number | string | boolean, unit = ''): void {
  const text = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(1)) : String(value);
  console.log(`${name}: ${text}${unit ? ` ${unit}` : ''}`);
}

export function percentiles(name: string, values: readonly number[], unit: string, ps: number[] = [50, 99]): void {
  for (const p of ps) figure(`${name}_p${p}`, percentile(values, p), unit);
}
