/**
 * Phones a business the way Twilio would, with real speech: posts the signed voice webhook, opens
 * the signed media stream, says each --say as espeak-ng speech in 20 ms frames in real time once
 * the agent has stopped talking, records everything that comes back, and measures latencies at
 * the audio. Without --url it starts, in this process, fake Deepgram and ElevenLabs servers
 * (test/fakes) and Frontdesk pointed at them.
 *
 *   npm run call -- --business salon --from +15551230001 --now 2026-12-01T10:00 \
 *     --say "hi I'd like a haircut tomorrow at three pm" --say "yes" [--barge-in 2] \
 *     [--script file.yaml] [--vendor-latency deepgram=350,tts=75,llm=350] [--url http://host:port]
 *
 * Prints a transcript, then one JSON line (the last line of stdout) with per-turn timings. An
 * in-process run uses a scratch database on DATABASE_URL's server, dropped at the end, so that
 * with --now pinned a run repeats (yesterday's run has not taken today's 3 pm).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { parse as parseYaml } from 'yaml';
import { startFakeDeepgram, type FakeDeepgram } from '../../test/fakes/deepgram.js';
import { startFakeElevenLabs, type FakeElevenLabs } from '../../test/fakes/elevenlabs.js';
import { startFrontdesk, type RunningFrontdesk } from '../app/frontdesk.js';
import { parseEnv, type Env } from '../config/env.js';
import { resolveTwilioAuthToken } from '../config/twilio-auth-token.js';
import { createLogger } from '../observability/logger.js';
import { randomBytes } from 'node:crypto';
import { createDataSource } from '../storage/data-source.js';
import { dropDatabase } from '../storage/ensure-database.js';
import { findBusiness } from './business-file.js';
import { reportCall } from './call-report.js';
import { simulateCall } from './call-simulator.js';
import { espeakMulaw } from './espeak-speech.js';

const USAGE =
  'usage: npm run call -- --business <id|file> --from <+E164> [--now YYYY-MM-DDTHH:MM] --say "…" [--say "…"] [--barge-in N] [--script file.yaml] [--vendor-latency deepgram=350,tts=75,llm=350] [--url http://host:port]';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values: options } = parseArgs({
  options: {
    business: { type: 'string' },
    from: { type: 'string' },
    now: { type: 'string' },
    say: { type: 'string', multiple: true, default: [] },
    'barge-in': { type: 'string' },
    script: { type: 'string' },
    'vendor-latency': { type: 'string' },
    url: { type: 'string' },
  },
});

const env = parseEnv();
const business = findBusiness(env.BUSINESS_CONFIG, options.business ?? fail(`--business is required\n${USAGE}`), fail);
const caller = options.from ?? fail(`--from is required\n${USAGE}`);
if (!/^\+[1-9]\d{6,14}$/.test(caller)) fail(`--from: expected an E.164 number such as +15551230001, got "${caller}"`);
const says = [...(options.script ? readScript(options.script) : []), ...(options.say ?? [])];
if (says.length === 0) fail(`say something: --say "…" or --script file.yaml\n${USAGE}`);
const bargeIn = options['barge-in'] === undefined ? undefined : Number(options['barge-in']);
if (bargeIn !== undefined && !(Number.isInteger(bargeIn) && bargeIn >= 1 && bargeIn <= says.length)) fail(`--barge-in: expected 1..${says.length}`);
const latency = parseLatencies(options['vendor-latency'] ?? '');
const fixedNow = options.now ? wallClock(options.now, business.timeZone) : undefined;

const audio = await Promise.all(says.map((text) => espeakMulaw(text)));
const fakes = options.url ? undefined : await startFakes(says, latency);
const scratchDatabase = fakes ? scratchDatabaseUrl(env.DATABASE_URL) : undefined;
const app = fakes ? await startInProcess({ ...env, DATABASE_URL: scratchDatabase! }, fakes, fixedNow) : undefined;
const target = options.url ?? app!.url!;
const publicUrl = options.url ? (env.PUBLIC_URL ?? options.url) : app!.publicUrl!;
const dataSource = app ? app.dataSource : await createDataSource({ url: env.DATABASE_URL }).initialize();

try {
  const call = await simulateCall({
    target,
    publicUrl,
    authToken: resolveTwilioAuthToken(env).token,
    from: caller,
    to: business.phoneNumbers[0]!,
    utterances: audio,
    bargeIn,
  });
  if (call.mode === 'gather') console.error('the call was answered in <Gather> mode (no speech vendor): nothing to stream');
  // The session stores its last turns as the stream closes.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const { transcript, summary } = await reportCall(dataSource, business, call);
  console.log(transcript);
  console.log(JSON.stringify(summary));
} finally {
  if (app) await app.close();
  else await dataSource.destroy();
  if (scratchDatabase) await dropDatabase(scratchDatabase);
  await fakes?.deepgram.close();
  await fakes?.elevenlabs.close();
}

async function startFakes(transcripts: string[], latencies: Record<string, number>): Promise<{ deepgram: FakeDeepgram; elevenlabs: FakeElevenLabs }> {
  const deepgram = await startFakeDeepgram();
  deepgram.script(...transcripts);
  deepgram.latencyMs = latencies.deepgram ?? 0;
  const elevenlabs = await startFakeElevenLabs();
  elevenlabs.firstByteDelayMs = latencies.tts ?? 0;
  if (latencies.llm !== undefined && !env.OPENAI_API_KEY) console.error('--vendor-latency llm: no OPENAI_API_KEY, understanding runs on rules only (ignored)');
  return { deepgram, elevenlabs };
}

async function startInProcess(base: Env, fakes: { deepgram: FakeDeepgram; elevenlabs: FakeElevenLabs }, now: Date | undefined): Promise<RunningFrontdesk> {
  const logger = createLogger({ level: process.env.LOG_LEVEL ? base.LOG_LEVEL : 'warn' });
  const env: Env = {
    ...base,
    PORT: 0,
    DEEPGRAM_API_KEY: 'simulator',
    DEEPGRAM_URL: fakes.deepgram.url,
    ELEVENLABS_API_KEY: 'simulator',
    ELEVENLABS_BASE_URL: fakes.elevenlabs.url,
  };
  return startFrontdesk(env, 'all', logger, now ? { now: () => now } : {});
}

function scratchDatabaseUrl(base: string): string {
  const url = new URL(base);
  url.pathname = `/frontdesk_call_${randomBytes(6).toString('hex')}`;
  return url.toString();
}

function readScript(path: string): string[] {
  const parsed: unknown = parseYaml(readFileSync(path, 'utf8'));
  const lines = Array.isArray(parsed) ? parsed : (parsed as { say?: unknown })?.say;
  if (!Array.isArray(lines) || !lines.every((line) => typeof line === 'string')) {
    fail(`--script: expected a YAML list of sentences (or "say:" with one), in ${path}`);
  }
  return lines as string[];
}

function parseLatencies(text: string): Record<string, number> {
  const latencies: Record<string, number> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [name, value] = part.split('=');
    const ms = Number(value);
    if (!name || !['deepgram', 'tts', 'llm'].includes(name) || !Number.isFinite(ms) || ms < 0) {
      fail(`--vendor-latency: expected name=ms pairs of deepgram, tts, llm; got "${part}"`);
    }
    latencies[name] = ms;
  }
  return latencies;
}

function wallClock(text: string, zone: string): Date {
  const local = DateTime.fromISO(text, { zone });
  return local.isValid ? local.toJSDate() : fail(`--now: expected a local time such as 2026-12-01T10:00, got "${text}"`);
}


