/**
 * Barge-in, over simulated calls that speak over the greeting 800 ms into it:
 * - `barge_in_clear`: real words ("actually, can I move my appointment instead?"): the caller's
 *   first speech frame sent → Twilio's `clear` arriving, p50/p95.
 * - `barge_in_*_ignored_pct`: backchannels (espeak-ng "okay", "mm-hmm", …, transcribed as such)
 *   and noises (a cough-like burst, a knock, breathing; no words) over the greeting: the share
 *   after which the greeting went on and was stored as heard whole. The false-interruption rate
 *   is the rest.
 */
import { encodeMulaw, SAMPLE_RATE } from '../media-streams/mulaw.js';
import { callerNumber, callSalon, figure, percentiles, PUBLISHED, spoken, startCallRig, type CallRig } from './call-bench.js';

const REAL_BARGE_INS = 8;
const REAL_WORDS = 'actually can I move my appointment instead';
const BACKCHANNELS = ['okay', 'mm-hmm', 'yeah', 'uh-huh', 'right', 'sure', 'ok got it', 'oh okay', 'alright', 'yep'];

/** Noise without words: white noise with an envelope, `level` of full scale, `ms` long. */
function noise(ms: number, level: number, seed: number): Buffer {
  const samples = Math.round((SAMPLE_RATE * ms) / 1000);
  const pcm = new Int16Array(samples);
  let state = seed;
  for (let i = 0; i < samples; i += 1) {
    // A small LCG: the same noise every run.
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    const envelope = Math.sin((Math.PI * i) / samples);
    pcm[i] = Math.round(((state / 0x7fffffff) * 2 - 1) * level * 32767 * envelope);
  }
  return encodeMulaw(pcm);
}

const NOISES: Record<string, Buffer> = {
  cough: noise(250, 0.5, 1),
  knock: noise(40, 0.9, 2),
  breath: noise(500, 0.03, 3),
  rustle: noise(400, 0.2, 4),
};

let callIndex = 10_000;

async function overGreeting(rig: CallRig, audio: Buffer, transcript: string | undefined): Promise<{ clearAfterMs: number | undefined; greetingInterrupted: boolean }> {
  // Transcripts a previous call scripted but never spoke are forgotten, so no call hears another's.
  const { call } = await callSalon(rig, callerNumber(callIndex++), {
    transcripts: transcript === undefined ? [] : [transcript],
    forgetScript: true,
    utterances: [audio],
    bargeIn: 1,
    bargeInAfterMs: 800,
    agentQuietMs: 500,
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rows: { interrupted: boolean }[] = await rig.frontdesk.app.dataSource.query(
    `SELECT t.interrupted FROM call_turns t JOIN calls c ON c.id = t.call_id
      WHERE c.call_sid = $1 AND t.speaker = 'agent' ORDER BY t.seq LIMIT 1`,
    [call.callSid],
  );
  return { clearAfterMs: call.measures[0]?.clearAfterMs, greetingInterrupted: rows[0]?.interrupted ?? true };
}

export async function bargeInBench(): Promise<void> {
  const rig = await startCallRig(PUBLISHED, { ttsMsPerCharacter: 30 });
  try {
    const words = await spoken(REAL_WORDS);
    const clears: number[] = [];
    let missed = 0;
    for (let i = 0; i < REAL_BARGE_INS; i += 1) {
      const result = await overGreeting(rig, words, REAL_WORDS);
      if (result.clearAfterMs === undefined) missed += 1;
      else clears.push(result.clearAfterMs);
      if (!result.greetingInterrupted) missed += 1;
    }
    percentiles('barge_in_clear', clears, 'ms', [50, 95]);
    figure('barge_in_real_missed', missed, 'of 8');

    let backchannelsIgnored = 0;
    for (const word of BACKCHANNELS) {
      const result = await overGreeting(rig, await spoken(word), word);
      if (!result.greetingInterrupted) backchannelsIgnored += 1;
    }
    let noisesIgnored = 0;
    for (const audio of Object.values(NOISES)) {
      // No script: a noise the fake hears is transcribed as nothing (its fallback).
      const result = await overGreeting(rig, audio, undefined);
      if (!result.greetingInterrupted) noisesIgnored += 1;
    }
    const total = BACKCHANNELS.length + Object.keys(NOISES).length;
    figure('barge_in_backchannels_ignored_pct', (100 * backchannelsIgnored) / BACKCHANNELS.length, `% of ${BACKCHANNELS.length}`);
    figure('barge_in_noises_ignored_pct', (100 * noisesIgnored) / Object.keys(NOISES).length, `% of ${Object.keys(NOISES).length}`);
    figure('barge_in_false_interruption_rate_pct', (100 * (total - backchannelsIgnored - noisesIgnored)) / total, `% of ${total}`);
  } finally {
    await rig.close();
  }
}
