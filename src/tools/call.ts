/**
 * Phones a business the way Twilio would, with real speech: posts the signed voice webhook, opens
 * the signed media stream, says each --say as espeak-ng speech in 20 ms frames in real time once
 * the agent has stopped talking, records everything that comes back, and measures latencies at
 * the audio. Without --url it starts, in this process, fake Deepgram and ElevenLabs servers
 * (test/fakes), a fake OpenAI when `llm=` is given, and Frontdesk pointed at them. Logs go to
 * stderr.
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
import pino from 'pino';
import { parse as parseYaml } from 'yaml';
import { parseEnv } from '../config/env.js';
import { resolveTwilioAuthToken } from '../config/twilio-auth-token.js';
import { createLogger } from '../observability/logger.js';
import { createDataSource } from '../storage/data-source.js';
import { findBusiness } from './business-file.js';
import { fakeUrls, startCallFakes, startLocalFrontdesk, type VendorLatencies } from './call-harness.js';
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
// stdout is the report (its last line is the JSON); logs go to stderr so they never follow it.
const logger = createLogger({ level: process.env.LOG_LEVEL ? env.LOG_LEVEL : 'warn', destination: pino.destination(2) });
const fakes = options.url ? undefined : await startCallFakes(latency);
fakes?.deepgram.script(...says);
const local = fakes ? await startLocalFrontdesk(env, fakeUrls(fakes), { logger, ...(fixedNow ? { now: fixedNow } : {}) }) : undefined;
const target = options.url ?? local!.target;
const publicUrl = options.url ? (env.PUBLIC_URL ?? options.url) : local!.publicUrl;
const dataSource = local ? local.app.dataSource : await createDataSource({ url: env.DATABASE_URL }).initialize();

try {
  const call = await simulateCall({
    target,
    publicUrl,
    authToken: local ? local.authToken : resolveTwilioAuthToken(env).token,
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
  if (local) await local.close();
  else await dataSource.destroy();
  await fakes?.close();
}

function readScript(path: string): string[] {
  const parsed: unknown = parseYaml(readFileSync(path, 'utf8'));
  const lines = Array.isArray(parsed) ? parsed : (parsed as { say?: unknown })?.say;
  if (!Array.isArray(lines) || !lines.every((line) => typeof line === 'string')) {
    fail(`--script: expected a YAML list of sentences (or "say:" with one), in ${path}`);
  }
  return lines as string[];
}

/** `llm=…` starts the fake OpenAI (the model answers unsure sentences); without it, rules only. */
function parseLatencies(text: string): VendorLatencies {
  const keys = { deepgram: 'deepgramMs', tts: 'ttsMs', llm: 'llmMs' } as const;
  const latencies: VendorLatencies = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [name, value] = part.split('=');
    const ms = Number(value);
    if (!name || !(name in keys) || !Number.isFinite(ms) || ms < 0) {
      fail(`--vendor-latency: expected name=ms pairs of deepgram, tts, llm; got "${part}"`);
    }
    latencies[keys[name as keyof typeof keys]] = ms;
  }
  return latencies;
}

function wallClock(text: string, zone: string): Date {
  const local = DateTime.fromISO(text, { zone });
  return local.isValid ? local.toJSDate() : fail(`--now: expected a local time such as 2026-12-01T10:00, got "${text}"`);
}


