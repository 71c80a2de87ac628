/**
 * The vendor fakes of `test/fakes` at chosen latencies, for `npm run call` and the benchmarks.
 * Apart from `call-harness.ts` (which also starts Frontdesk) so that a thread that only plays the
 * vendors and the callers does not load the whole app onto its heap.
 */
import { startFakeDeepgram, type FakeDeepgram } from '../../test/fakes/deepgram.js';
import { startFakeElevenLabs, type FakeElevenLabs } from '../../test/fakes/elevenlabs.js';
import { startFakeOpenAI, type FakeOpenAI } from '../../test/fakes/openai.js';

/** Vendor latencies the fakes add, in ms. `llmMs` absent: no model (rules only). */
export interface VendorLatencies {
  /** From the end of speech (after Deepgram's own endpointing silence) to the final transcript. */
  deepgramMs?: number;
  /** ElevenLabs: request to the first audio byte. */
  ttsMs?: number;
  /** OpenAI: request to the (non-streamed) answer. */
  llmMs?: number;
}

export interface CallFakes {
  deepgram: FakeDeepgram;
  elevenlabs: FakeElevenLabs;
  openai: FakeOpenAI | undefined;
  close(): Promise<void>;
}

/** Where Frontdesk finds its vendors; any absent one is replaced by its local stand-in. */
export interface VendorUrls {
  deepgram?: string;
  elevenlabs?: string;
  openai?: string;
}

export async function startCallFakes(latencies: VendorLatencies, options: { ttsMsPerCharacter?: number } = {}): Promise<CallFakes> {
  const deepgram = await startFakeDeepgram();
  deepgram.latencyMs = latencies.deepgramMs ?? 0;
  const elevenlabs = await startFakeElevenLabs();
  elevenlabs.firstByteDelayMs = latencies.ttsMs ?? 0;
  if (options.ttsMsPerCharacter !== undefined) elevenlabs.msPerCharacter = options.ttsMsPerCharacter;
  const openai = latencies.llmMs === undefined ? undefined : await startFakeOpenAI();
  if (openai) openai.latencyMs = latencies.llmMs!;
  return {
    deepgram,
    elevenlabs,
    openai,
    async close() {
      await deepgram.close();
      await elevenlabs.close();
      await openai?.close();
    },
  };
}

export function fakeUrls(fakes: CallFakes): VendorUrls {
  return { deepgram: fakes.deepgram.url, elevenlabs: fakes.elevenlabs.url, ...(fakes.openai ? { openai: fakes.openai.url } : {}) };
}
