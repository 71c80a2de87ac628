/**
 * Voice-to-voice: simulated calls (the call simulator: espeak-ng caller, real-time frames)
 * against the vendor fakes at published latencies, and what of each turn is ours.
 *
 * - `rules`: sentences the rules understand; the model is configured but not asked.
 *   Vendor budget = 300 ms endpointing silence + 350 ms Deepgram + 75 ms ElevenLabs.
 * - `faq`: the rules path with a question that needs no calendar and no database: the floor any
 *   turn meets in these calls (Frontdesk's event loop, its GC, the machine), same budget.
 * - `llm`: a sentence the rules are unsure of, so the fake OpenAI answers after 350 ms.
 *   Budget = the above + 350 ms.
 * - `cached`: the first audio is a cached phrase (the filler, played as the turn starts:
 *   `fillerAfterMs` 0), no TTS round trip. Budget = 300 + 350 ms.
 *
 * The callers and the vendor fakes run on a worker thread (`call-bench.ts`'s `FarEnd`), as other
 * machines do in production: their CPU and GC are not Frontdesk's (the 2-core machine is still
 * shared). `_gc_pauses` are Frontdesk's thread's, `_far_end_gc_pauses` the far end's.
 *
 * Our share per stage: endpointing − 650, understanding − model latency, TTS first byte − 75,
 * and `delivery` (first audio in hand → first frame heard by the caller: playout, pacer,
 * websocket). Voice-to-voice is measured by the caller, at the audio.
 *
 * A booking turn's reply is synthesised while its transaction runs (a draft, played only after
 * COMMIT), so its TTS request precedes the end of the dialog turn: its `delivery` counts from
 * the later of "reply known" and "first audio" (the agent turn's `tts_wait`), and the stages of
 * such a turn add up to more than its share. `_ours_offer` / `_ours_booking` are the rules
 * path's share by kind of turn, from the audio.
 *
 * `_ours_net_p50/p99`: the share less the fakes' own floor measured in the same run
 * (`…_fake_floor_fetch_p50`: a bare `fetch` to the fake's first byte minus its set latency, i.e.
 * its timer's lateness and the loopback HTTP, which a real vendor's published figure already
 * includes). Subtracted: the TTS floor from every turn that waited on the TTS for at least that
 * long after its reply was known (not from a booking turn whose drafted audio was in hand), and the
 * model floor from every `llm` turn (the model is asked on each). The plain `_ours_` figures
 * stay the ones the target is read against; the net ones say how much of them is ours.
 *
 * `_tts_chunk_to_frame`: the fake TTS handing its first chunk to the socket → that reply's first
 * frame at the caller, both seen on the far end's thread, so free of the one-frame error that
 * `endpointing` and `delivery` share (the server puts the caller's last word on its clock from
 * Deepgram's word timings): what the TTS's first audio costs us on its way out (HTTP, SDK,
 * adapter, playout, pacer, websocket). Replies held back (a drafted booking reply until COMMIT, a
 * reply behind the cached filler) are left out.
 *
 * `V2V_TURNS=1` prints every turn's figures to stderr.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { createTeamInbox } from '../src/channels/team-inbox.js';
import { BusinessDirectory } from '../src/config/business-directory.js';
import { loadBusinesses } from '../src/config/load-businesses.js';
import { respond, type DialogDependencies } from '../src/dialog/policy/dialog-engine.js';
import { newDialogState } from '../src/dialog/policy/dialog-state.js';
import { HybridUnderstanding } from '../src/dialog/understanding/hybrid-understanding.js';
import { createOpenAIUnderstanding } from '../src/dialog/understanding/openai-understanding.js';
import { createMetrics } from '../src/observability/metrics.js';
import { createLocalCalendarProvider } from '../src/scheduling/local-calendar-provider.js';
import { createScheduler, type Scheduler } from '../src/scheduling/scheduler.js';
import { createVendorPolicy } from '../src/resilience/vendor-policy.js';
import { createElevenLabsTextToSpeech } from '../src/speech/elevenlabs-text-to-speech.js';
import { reportCall, type CallSummary } from '../src/tools/call-report.js';
import type { RecordedSynthesis } from '../test/fakes/elevenlabs.js';
import { benchLogger, BENCH_NOW, callerNumber, callSalon, rigSalon, ENDPOINTING_SILENCE_MS, figure, percentile, percentiles, PUBLISHED, spoken, startCallRig, type CallRig } from './call-bench.js';

interface PathSpec {
  name: 'rules' | 'faq' | 'llm' | 'cached';
  calls: number;
  /** What the caller says on call `index`. */
  says: (index: number) => string[];
  budgetMs: number;
  modelMs: number;
}

const PATHS: PathSpec[] = [
  {
    name: 'rules',
    calls: 10,
    // A time of its own per call: a taken slot would make "yes" ambiguous and ask the model.
    says: (index) => [`hi I'd like a haircut ${BOOKABLE[index % BOOKABLE.length]}`, 'yes'],
    budgetMs: ENDPOINTING_SILENCE_MS + PUBLISHED.deepgramMs + PUBLISHED.ttsMs,
    modelMs: 0,
  },
  {
    // The same path with a turn that reads no calendar and writes nothing: what any turn costs
    // in these calls (Frontdesk's event loop, its GC, the machine), next to `rules`.
    name: 'faq',
    calls: 6,
    says: () => ['where are you located'],
    budgetMs: ENDPOINTING_SILENCE_MS + PUBLISHED.deepgramMs + PUBLISHED.ttsMs,
    modelMs: 0,
  },
  {
    name: 'llm',
    calls: 8,
    says: () => ['I need to get my hair sorted before the wedding'],
    budgetMs: ENDPOINTING_SILENCE_MS + PUBLISHED.deepgramMs + PUBLISHED.llmMs + PUBLISHED.ttsMs,
    modelMs: PUBLISHED.llmMs,
  },
  {
    name: 'cached',
    calls: 8,
    // The rules path's first sentence. With `fillerAfterMs` 0 the filler starts as the turn
    // ends, before the dialog runs, and the reply (TTS) follows it.
    says: (index) => [`hi I'd like a haircut ${BOOKABLE[(index + 3) % BOOKABLE.length]}`],
    budgetMs: ENDPOINTING_SILENCE_MS + PUBLISHED.deepgramMs,
    modelMs: 0,
  },
];

/**
 * The fake TTS's audio per character (the rig's default is 20): the figures are read at the first
 * audio of each reply, so shorter replies leave the measure alone and pay for more calls.
 */
const AGENT_MS_PER_CHARACTER = 12;

const BOOKABLE = [
  'tomorrow at ten am',
  'tomorrow at eleven am',
  'tomorrow at two pm',
  'tomorrow at three pm',
  'tomorrow at four pm',
  'on thursday at ten am',
  'on thursday at eleven am',
  'on thursday at two pm',
  'on thursday at three pm',
  'on thursday at four pm',
];

/** Times the calls above leave free (they book Wednesday and Thursday), for `dialogTurns`. */
const DIALOG_BOOKABLE = ['on friday at ten am', 'on friday at eleven am', 'on friday at two pm', 'on friday at three pm'];

/**
 * A caller turn as the call report pairs it, with its reply's `tts_wait` (see `replyTimings`) and
 * `chunk_to_frame`: the fake TTS handing its first chunk to the socket → the reply's first frame
 * at the caller (HTTP, SDK, adapter, playout, pacer, websocket), both on the far end's thread.
 */
type Turn = CallSummary['turns'][number] & { index: number; tts_wait_ms: number | null; chunk_to_frame_ms: number | null };

/** The fakes' floors measured in this run (p50, ms), subtracted for the `_net` figures. */
interface FakeFloors {
  ttsMs: number;
  llmMs: number;
}

let callIndex = 0;

async function runPath(rig: CallRig, spec: PathSpec): Promise<Turn[]> {
  const business = rigSalon(rig);
  const turns: Turn[] = [];
  let modelAsked = 0;
  const syntheses = { all: 0, reused: 0 };
  const farEndGcPausesMs: number[] = [];
  const gc = watchGc();
  for (let i = 0; i < spec.calls; i += 1) {
    const says = spec.says(i);
    const audio = await Promise.all(says.map(spoken));
    const far = await callSalon(rig, callerNumber(callIndex++), { utterances: audio, transcripts: says, agentQuietMs: 500 });
    modelAsked += far.modelRequests;
    syntheses.all += far.syntheses.length;
    syntheses.reused += far.syntheses.filter((synthesis) => synthesis.reusedConnection).length;
    farEndGcPausesMs.push(...far.gcPausesMs);
    // The session stores its last turns as the stream closes.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { summary } = await reportCall(rig.frontdesk.app.dataSource, business, far.call);
    const replies = await replyTimings(rig, far.call.callSid);
    summary.turns.forEach((turn, index) =>
      turns.push({ ...turn, index, tts_wait_ms: replies[index]?.tts_wait ?? null, chunk_to_frame_ms: chunkToFrame(far.syntheses, turn.agent, far.call.agentFrameTimes) }),
    );
  }
  figure(`voice_to_voice_${spec.name}_model_asked`, modelAsked, 'times');
  // A synthesis on a new connection pays a TCP (and, against the real vendor, TLS) handshake.
  figure(`voice_to_voice_${spec.name}_tts_on_open_connection`, syntheses.reused, `of ${syntheses.all} syntheses`);
  // Garbage collection during the calls on Frontdesk's thread (which this bench's bookkeeping
  // between calls shares), and on the far end's (the callers and fakes; production's other
  // machines): only the first can land in a turn's share.
  const pauses = gc.stop();
  figure(`voice_to_voice_${spec.name}_gc_pauses`, pauses.length, 'pauses');
  figure(`voice_to_voice_${spec.name}_gc_pause_max`, Math.max(0, ...pauses), 'ms');
  figure(`voice_to_voice_${spec.name}_far_end_gc_pauses`, farEndGcPausesMs.length, 'pauses');
  figure(`voice_to_voice_${spec.name}_far_end_gc_pause_max`, Math.max(0, ...farEndGcPausesMs), 'ms');
  return turns;
}

/**
 * See `Turn`; null when the reply's synthesis is not found (a cached phrase, an interrupted
 * reply). Both times come from the far end's thread, on the clock the threads share.
 */
function chunkToFrame(requests: readonly RecordedSynthesis[], text: string, frameTimes: number[]): number | null {
  const request = requests.findLast((candidate) => candidate.text === text && candidate.firstChunkAt !== undefined);
  const frameAt = request ? frameTimes.find((at) => at >= request.firstChunkAt!) : undefined;
  return frameAt === undefined ? null : Number((frameAt - request!.firstChunkAt!).toFixed(1));
}

/** The timings of the agent's reply to each caller turn, paired as `reportCall` pairs them. */
async function replyTimings(rig: CallRig, callSid: string): Promise<(Record<string, number> | undefined)[]> {
  const rows: { speaker: string; timings: Record<string, number> }[] = await rig.frontdesk.app.dataSource.query(
    `SELECT t.speaker, t.timings FROM call_turns t JOIN calls c ON c.id = t.call_id WHERE c.call_sid = $1 ORDER BY t.seq`,
    [callSid],
  );
  return rows.flatMap((row, index) => (row.speaker === 'caller' ? [rows.slice(index + 1).find((next) => next.speaker === 'agent')?.timings] : []));
}

function watchGc(): { stop(): number[] } {
  const pauses: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      observer.disconnect();
      return pauses;
    },
  };
}

function reportPath(spec: PathSpec, turns: Turn[], floors: FakeFloors): void {
  const prefix = `voice_to_voice_${spec.name}`;
  const measured = turns.filter((turn) => turn.voice_to_voice_ms !== null);
  const v2v = measured.map((turn) => turn.voice_to_voice_ms!);
  figure(`${prefix}_turns`, measured.length, 'turns');
  figure(`${prefix}_vendor_budget`, spec.budgetMs, 'ms');
  percentiles(prefix, v2v, 'ms');
  const ours = (turn: Turn) => turn.voice_to_voice_ms! - spec.budgetMs;
  percentiles(`${prefix}_ours`, measured.map(ours), 'ms');
  percentiles(`${prefix}_ours_net`, measured.map((turn) => ours(turn) - floorOf(spec, turn, floors)), 'ms');
  figure(`${prefix}_p50_over_budget_ratio`, Number((median(v2v) / spec.budgetMs).toFixed(3)));
  const stages = stagesOf(spec, measured);
  // The cached path's first audio starts at the end of the turn, beside the dialog, not after it.
  if (spec.name === 'cached') {
    // Sooner after the end of the turn than any TTS could answer: the filler, from the cache.
    figure(`${prefix}_turns_started_from_cache`, stages.delivery!.filter((ms) => ms < PUBLISHED.ttsMs).length, `of ${measured.length}`);
  }
  for (const [stage, values] of Object.entries(stages)) if (values.length) percentiles(`${prefix}_ours_${stage}`, values, 'ms');
  // Replies heard as soon as their audio came: not a drafted booking reply (held until COMMIT),
  // not a reply queued behind the cached filler.
  const prompt = measured.filter((turn) => spec.name !== 'cached' && turn.chunk_to_frame_ms !== null && Math.abs((turn.tts_wait_ms ?? 0) - (turn.tts_first_byte_ms ?? 0)) <= 1);
  if (prompt.length) percentiles(`${prefix}_tts_chunk_to_frame`, prompt.map((turn) => turn.chunk_to_frame_ms!), 'ms');
  // The rules path's turns by kind: the first reads the calendar and offers, the second books.
  if (spec.name === 'rules') {
    for (const [kind, index] of [['offer', 0], ['booking', 1]] as const) {
      const ofKind = measured.filter((turn) => turn.index === index);
      percentiles(`${prefix}_ours_understanding_${kind}`, ofKind.flatMap((turn) => (turn.understanding_ms === null ? [] : [turn.understanding_ms])), 'ms');
      percentiles(`${prefix}_ours_${kind}`, ofKind.map(ours), 'ms');
    }
    const drafted = measured.filter((turn) => turn.index === 1 && turn.tts_wait_ms !== null && turn.tts_first_byte_ms !== null && turn.tts_wait_ms < turn.tts_first_byte_ms);
    figure(`${prefix}_booking_replies_drafted`, drafted.length, `of ${measured.filter((turn) => turn.index === 1).length}`);
  }
  const first = measured.filter((turn) => turn.index === 0).map(ours);
  if (spec.says(0).length > 1) percentiles(`${prefix}_first_turn_ours`, first, 'ms', [50]);
  if (process.env.V2V_TURNS) for (const turn of measured) console.error(`${prefix} turn ${turn.index}: ours ${ours(turn)} ms`, JSON.stringify(turn));
}

/**
 * Our share of each stage. `delivery` is what is left of voice-to-voice after the stages before
 * it, counting the TTS as the wait after the reply was known (`tts_wait`; for a drafted reply
 * less than its first byte).
 */
function stagesOf(spec: PathSpec, measured: Turn[]): Record<string, number[]> {
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
    const ttsWaitMs = turn.tts_wait_ms ?? turn.tts_first_byte_ms;
    stages.delivery!.push(turn.voice_to_voice_ms! - turn.endpointing_ms - turn.understanding_ms - ttsWaitMs);
  }
  if (spec.name === 'cached') delete stages.understanding;
  return stages;
}

/** The fakes' floor inside one turn's share (see the doc comment: `_ours_net`). */
function floorOf(spec: PathSpec, turn: Turn, floors: FakeFloors): number {
  const modelMs = spec.name === 'llm' ? floors.llmMs : 0;
  if (spec.name === 'cached') return modelMs;
  const ttsWaitMs = turn.tts_wait_ms ?? turn.tts_first_byte_ms;
  const waitedOnTts = ttsWaitMs !== null && ttsWaitMs >= PUBLISHED.ttsMs + floors.ttsMs;
  return modelMs + (waitedOnTts ? floors.ttsMs : 0);
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
    baseUrl: rig.vendors.elevenlabs!,
    voiceId: 'bench',
    policy: createVendorPolicy({ dependency: 'elevenlabs', metrics: createMetrics(), logger: benchLogger(), timeoutMs: 1500, retries: 0 }),
    logger: benchLogger(),
  });
  const fetchMs: number[] = [];
  const adapterMs: number[] = [];
  // Alternating, so both see the same machine; the first two of each warm up.
  for (let i = 0; i < 14; i += 1) {
    let startedAt = performance.now();
    const response = await fetch(`${rig.vendors.elevenlabs}/v1/text-to-speech/bench/stream?output_format=ulaw_8000`, {
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

/**
 * The dialog turn alone, many times (the calls above give 8–16 turns a path, so their p99 is
 * their worst turn): respond() in this process on the rig's database, the way a call's turn runs
 * it, for the three kinds of turn the calls have:
 * - `faq`: "where are you located", no calendar and no database: the floor of any turn here
 *   (understanding, rendering, and whatever the machine and GC add);
 * - `offer`: "a haircut tomorrow at ten" (slot search, then the read-back), with the blocked
 *   times in memory (`memory`, as Frontdesk runs) and read from Postgres each time (`postgres`),
 *   alternating, so both see the same machine;
 * - `booking`: the "yes" after it (the booking transaction); `booking_until_draft`: its part
 *   before the reply is known (`onLikelyReply`), which a call's booked reply waits for; the rest
 *   overlaps the TTS.
 * Also one `SELECT 1` round trip per conversation: the database's own floor on this machine.
 */
export async function dialogTurns(rig: CallRig, conversations = 120): Promise<void> {
  const directory = new BusinessDirectory(loadBusinesses(rig.env.BUSINESS_CONFIG));
  const business = directory.get(rigSalon(rig).id)!;
  const dataSource = rig.frontdesk.app.dataSource;
  const logger = benchLogger();
  const context = { dataSource, businesses: directory, calendar: createLocalCalendarProvider(), logger, now: () => BENCH_NOW };
  const schedulers: Record<'memory' | 'postgres', Scheduler> = {
    memory: createScheduler(context),
    postgres: createScheduler(context, { blockedTimesInMemory: false }),
  };
  await schedulers.memory.prepare(business.id);
  const understanding = new HybridUnderstanding({ logger });
  const team = createTeamInbox(dataSource);
  const times: Record<string, number[]> = {};
  const time = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const startedAt = performance.now();
    const result = await work();
    (times[name] ??= []).push(performance.now() - startedAt);
    return result;
  };
  for (let i = 0; i < conversations; i += 1) {
    for (const kind of i % 2 ? (['memory', 'postgres'] as const) : (['postgres', 'memory'] as const)) {
      const deps: DialogDependencies = { business, scheduler: schedulers[kind], understanding, team };
      const turn = { channel: 'voice' as const, customerPhone: callerNumber(100_000 + i * 2 + (kind === 'memory' ? 0 : 1)), now: BENCH_NOW };
      await time('db_round_trip', () => dataSource.query('SELECT 1'));
      await time('faq', () => respond(deps, newDialogState(), { ...turn, utterance: 'where are you located' }));
      const offered = await time(`offer_${kind}`, () => respond(deps, newDialogState(), { ...turn, utterance: `hi I'd like a haircut ${DIALOG_BOOKABLE[i % DIALOG_BOOKABLE.length]}` }));
      const startedAt = performance.now();
      const onLikelyReply = () => (times.booking_until_draft ??= []).push(performance.now() - startedAt);
      const booked = await time('booking', () => respond(deps, offered.state, { ...turn, utterance: 'yes', onLikelyReply }));
      if (booked.reply.done !== 'booked') throw new Error(`dialog bench: not booked: ${offered.reply.text} / ${booked.reply.text}`);
      // Free the time again, so every conversation finds the same calendar; then let the change
      // be heard and read again (a few ms), as it would be long before a business's next caller.
      await dataSource.query(`UPDATE bookings SET status = 'cancelled' WHERE status <> 'cancelled' AND channel = 'voice' AND customer_id = (SELECT id FROM customers WHERE phone = $1)`, [turn.customerPhone]);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  // The first few of each are the JIT's; a call's first turn after start is what prepare() is for.
  for (const [name, values] of Object.entries(times)) percentiles(`voice_to_voice_dialog_${name}`, values.slice(4), 'ms');
  figure('voice_to_voice_dialog_turns', conversations, 'of each');
}

/**
 * The fake OpenAI's own floor next to our model understanding, like `ttsFakeFloor`: a bare
 * `fetch` of a completion minus its 350 ms, and our adapter (SDK, vendor policy, the prompt with
 * the business, validation of the answer) the same way. The difference is ours.
 */
export async function modelFakeFloor(rig: CallRig): Promise<{ fetchMs: number[]; adapterMs: number[] }> {
  const openaiUrl = rig.vendors.openai!;
  const business = new BusinessDirectory(loadBusinesses(rig.env.BUSINESS_CONFIG)).all()[0]!;
  const model = createOpenAIUnderstanding({
    apiKey: 'bench',
    baseURL: openaiUrl,
    model: 'bench',
    policy: createVendorPolicy({ dependency: 'openai', metrics: createMetrics(), logger: benchLogger(), timeoutMs: 1500, retries: 0 }),
  });
  const utterance = 'I need to get my hair sorted before the wedding';
  const fetchMs: number[] = [];
  const adapterMs: number[] = [];
  for (let i = 0; i < 12; i += 1) {
    let startedAt = performance.now();
    const response = await fetch(`${openaiUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
      body: JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: utterance }] }),
    });
    await response.json();
    fetchMs.push(performance.now() - startedAt - PUBLISHED.llmMs);
    startedAt = performance.now();
    await model.understand(utterance, { now: BENCH_NOW, timeZone: business.timeZone, business });
    adapterMs.push(performance.now() - startedAt - PUBLISHED.llmMs);
  }
  return { fetchMs: fetchMs.slice(2), adapterMs: adapterMs.slice(2) };
}

export async function voiceToVoiceBench(): Promise<void> {
  let floors: FakeFloors = { ttsMs: 0, llmMs: 0 };
  const rig = await startCallRig(PUBLISHED, { ttsMsPerCharacter: AGENT_MS_PER_CHARACTER });
  try {
    const floor = await ttsFakeFloor(rig);
    percentiles('voice_to_voice_tts_fake_floor_fetch', floor.fetchMs, 'ms', [50]);
    percentiles('voice_to_voice_tts_fake_floor_adapter', floor.adapterMs, 'ms', [50]);
    const modelFloor = await modelFakeFloor(rig);
    percentiles('voice_to_voice_llm_fake_floor_fetch', modelFloor.fetchMs, 'ms', [50]);
    percentiles('voice_to_voice_llm_fake_floor_adapter', modelFloor.adapterMs, 'ms', [50]);
    // A floor is a delay the fake adds, never less than nothing.
    floors = { ttsMs: Math.max(0, percentile(floor.fetchMs, 50)), llmMs: Math.max(0, percentile(modelFloor.fetchMs, 50)) };
    for (const spec of PATHS.filter((path) => path.name !== 'cached')) reportPath(spec, await runPath(rig, spec), floors);
    await dialogTurns(rig);
  } finally {
    await rig.close();
  }
  const cachedRig = await startCallRig(PUBLISHED, { ttsMsPerCharacter: AGENT_MS_PER_CHARACTER, voice: { call: { fillerAfterMs: 0 } } });
  try {
    const spec = PATHS.find((path) => path.name === 'cached')!;
    reportPath(spec, await runPath(cachedRig, spec), floors);
  } finally {
    await cachedRig.close();
  }
}
