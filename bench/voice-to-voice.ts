/**
 * Voice-to-voice: simulated calls (the call simulator: espeak-ng caller, real-time frames)
 * against the vendor fakes at published latencies, and what of each turn is ours.
 *
 * - `rules`: sentences the rules understand; the model is configured but not asked.
 *   Vendor budget = 300 ms endpointing silence + 350 ms Deepgram + 75 ms ElevenLabs.
 * - `llm`: a sentence the rules are unsure of, so the fake OpenAI answers after 350 ms.
 *   Budget = the above + 350 ms.
 * - `cached`: the first audio is a cached phrase (the filler, played as the turn starts:
 *   `fillerAfterMs` 0), no TTS round trip. Budget = 300 + 350 ms.
 *
 * Our share per stage: endpointing − 650, understanding − model latency, TTS first byte − 75,
 * and `delivery` (first audio in hand → first frame heard by the caller: playout, pacer,
 * websocket). Voice-to-voice is measured by the caller, at the audio.
 */
import { createMetrics } from '../src/observability/metrics.js';
import { createVendorPolicy } from '../src/resilience/vendor-policy.js';
import { createElevenLabsTextToSpeech } from '../src/speech/elevenlabs-text-to-speech.js';
import { findBusiness } from '../src/tools/business-file.js';
import { reportCall, type CallSummary } from '../src/tools/call-report.js';
import { simulateCall } from '../src/tools/call-simulator.js';
import { benchLogger, callerNumber, ENDPOINTING_SILENCE_MS, figure, percentiles, PUBLISHED, spoken, startCallRig, type CallRig } from './call-bench.js';

interface PathSpec {
  name: 'rules' | 'llm' | 'cached';
  calls: number;
  /** What the caller says on call `index`. */
  says: (index: number) => string[];
  budgetMs: number;
  modelMs: number;
}

const PATHS: PathSpec[] = [
  {
    name: 'rules',
    calls: 8,
    // A time of its own per call: a taken slot would make "yes" ambiguous and ask the model.
    says: (index) => [`hi I'd like a haircut ${BOOKABLE[index % BOOKABLE.length]}`, 'yes'],
    budgetMs: ENDPOINTING_SILENCE_MS + PUBLISHED.deepgramMs + PUBLISHED.ttsMs,
    modelMs: 0,
  },
  {
    name: 'llm',
    calls: 6,
    says: () => ['I need to get my hair sorted before the wedding'],
    budgetMs: ENDPOINTING_SILENCE_MS + PUBLISHED.deepgramMs + PUBLISHED.llmMs + PUBLISHED.ttsMs,
    modelMs: PUBLISHED.llmMs,
  },
  {
    name: 'cached',
    calls: 6,
    // A sentence whose turn reads the calendar, so the dialog takes longer than the filler's
    // zero-delay timer (an FAQ answer can beat it and is then spoken by the TTS instead).
    says: (index) => [`hi I'd like a haircut ${BOOKABLE[(index + 3) % BOOKABLE.length]}`],
    budgetMs: ENDPOINTING_SILENCE_MS + PUBLISHED.deepgramMs,
    modelMs: 0,
  },
];

const BOOKABLE = [
  'tomorrow at ten am',
  'tomorrow at eleven am',
  'tomorrow at two pm',
  'tomorrow at three pm',
  'tomorrow at four pm',
  'on thursday at ten am',
  'on thursday at two pm',
  'on thursday at four pm',
];

type Turn = CallSummary['turns'][number] & { index: number };

let callIndex = 0;

async function runPath(rig: CallRig, spec: PathSpec): Promise<Turn[]> {
  const business = findBusiness(rig.env.BUSINESS_CONFIG, 'salon', (message) => {
    throw new Error(message);
  });
  const turns: Turn[] = [];
  const modelAskedBefore = rig.fakes.openai?.requests.length ?? 0;
  for (let i = 0; i < spec.calls; i += 1) {
    const says = spec.says(i);
    const audio = await Promise.all(says.map(spoken));
    rig.fakes.deepgram.script(...says);
    const call = await simulateCall({
      target: rig.frontdesk.target,
      publicUrl: rig.frontdesk.publicUrl,
      authToken: rig.frontdesk.authToken,
      from: callerNumber(callIndex++),
      to: business.phoneNumbers[0]!,
      utterances: audio,
      agentQuietMs: 500,
    });
    // The session stores its last turns as the stream closes.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { summary } = await reportCall(rig.frontdesk.app.dataSource, business, call);
    summary.turns.forEach((turn, index) => turns.push({ ...turn, index }));
  }
  figure(`voice_to_voice_${spec.name}_model_asked`, (rig.fakes.openai?.requests.length ?? 0) - modelAskedBefore, 'times');
  return turns;
}

function reportPath(spec: PathSpec, turns: Turn[]): void {
  const prefix = `voice_to_voice_${spec.name}`;
  const measured = turns.filter((turn) => turn.voice_to_voice_ms !== null);
  const v2v = measured.map((turn) => turn.voice_to_voice_ms!);
  figure(`${prefix}_turns`, measured.length, 'turns');
  figure(`${prefix}_vendor_budget`, spec.budgetMs, 'ms');
  percentiles(prefix, v2v, 'ms');
  percentiles(`${prefix}_ours`, v2v.map((ms) => ms - spec.budgetMs), 'ms');
  figure(`${prefix}_p50_over_budget_ratio`, Number((median(v2v) / spec.budgetMs).toFixed(3)));
  const vendorEndpointingMs = ENDPOINTING_SILENCE_MS + PUBLISHED.deepgramMs;
  const stages: Record<string, number[]> = { endpointing: [], understanding: [], tts_first_byte: [], delivery: [] };
  for (const turn of measured) {
    if (turn.endpointing_ms === null || turn.understanding_ms === null) continue;
    stages.endpointing!.push(turn.endpointing_ms - vendorEndpointingMs);
    stages.understanding!.push(turn.understanding_ms - spec.modelMs);
    if (spec.name === 'cached') {
      stages.delivery!.push(turn.voice_to_voice_ms! - turn.endpointing_ms);
      continue;
    }
    if (turn.tts_first_byte_ms === null) continue;
    stages.tts_first_byte!.push(turn.tts_first_byte_ms - PUBLISHED.ttsMs);
    stages.delivery!.push(turn.voice_to_voice_ms! - turn.endpointing_ms - turn.understanding_ms - turn.tts_first_byte_ms);
  }
  // The cached path's first audio starts at the end of the turn, beside the dialog, not after it.
  if (spec.name === 'cached') {
    delete stages.understanding;
    // Sooner after the end of the turn than any TTS could answer: the filler, from the cache.
    figure(`${prefix}_turns_started_from_cache`, stages.delivery!.filter((ms) => ms < PUBLISHED.ttsMs).length, `of ${measured.length}`);
  }
  for (const [stage, values] of Object.entries(stages)) if (values.length) percentiles(`${prefix}_ours_${stage}`, values, 'ms');
  const first = measured.filter((turn) => turn.index === 0).map((turn) => turn.voice_to_voice_ms! - spec.budgetMs);
  if (spec.says(0).length > 1) percentiles(`${prefix}_first_turn_ours`, first, 'ms', [50]);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * The fake ElevenLabs' own floor: a bare `fetch` to its first byte, minus its 75 ms (the fake's
 * timer and the loopback HTTP, which a real vendor's published figure already includes), next to
 * our adapter (SDK, vendor policy, stream) to the first chunk: the difference is ours.
 */
async function ttsFakeFloor(rig: CallRig): Promise<{ fetchMs: number[]; adapterMs: number[] }> {
  const text = 'You are booked for tomorrow at three pm.';
  const tts = createElevenLabsTextToSpeech({
    apiKey: 'bench',
    baseUrl: rig.fakes.elevenlabs.url,
    voiceId: 'bench',
    policy: createVendorPolicy({ dependency: 'elevenlabs', metrics: createMetrics(), logger: benchLogger(), timeoutMs: 1500, retries: 0 }),
    logger: benchLogger(),
  });
  const fetchMs: number[] = [];
  const adapterMs: number[] = [];
  // Alternating, so both see the same machine; the first two of each warm up.
  for (let i = 0; i < 14; i += 1) {
    let startedAt = performance.now();
    const response = await fetch(`${rig.fakes.elevenlabs.url}/v1/text-to-speech/bench/stream?output_format=ulaw_8000`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'xi-api-key': 'bench' },
      body: JSON.stringify({ text, model_id: 'eleven_flash_v2_5' }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    fetchMs.push(performance.now() - startedAt - PUBLISHED.ttsMs);
    await reader.cancel();
    const stop = new AbortController();
    startedAt = performance.now();
    for await (const _chunk of tts.synthesize({ text, signal: stop.signal })) {
      adapterMs.push(performance.now() - startedAt - PUBLISHED.ttsMs);
      stop.abort();
      break;
    }
  }
  return { fetchMs: fetchMs.slice(2), adapterMs: adapterMs.slice(2) };
}

export async function voiceToVoiceBench(): Promise<void> {
  const rig = await startCallRig(PUBLISHED);
  try {
    const floor = await ttsFakeFloor(rig);
    percentiles('voice_to_voice_tts_fake_floor_fetch', floor.fetchMs, 'ms', [50]);
    percentiles('voice_to_voice_tts_fake_floor_adapter', floor.adapterMs, 'ms', [50]);
    for (const spec of PATHS.filter((path) => path.name !== 'cached')) reportPath(spec, await runPath(rig, spec));
  } finally {
    await rig.close();
  }
  const cachedRig = await startCallRig(PUBLISHED, { voice: { call: { fillerAfterMs: 0 } } });
  try {
    const spec = PATHS.find((path) => path.name === 'cached')!;
    reportPath(spec, await runPath(cachedRig, spec));
  } finally {
    await cachedRig.close();
  }
}
