/**
 * `npm run bench [-- NAME ...]`: runs the named benchmarks (all by default), one `name: value`
 * line per figure. Compare figures as ratios within one run; these machines are noisy.
 *
 * Several benchmarks run one after another, each in a process of its own with this one's Node
 * flags: in one process, a benchmark inherited the heap the ones before it left (the call rigs,
 * their modules, their old objects), and the concurrency figures measured that heap's GC pauses
 * rather than a web process's.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { audioPathBench } from './audio-path.js';
import { availabilityBench } from './availability.js';
import { bargeInBench } from './barge-in.js';
import { concurrencyBench } from './concurrency.js';
import { pacerBench } from './pacer.js';
import { understandingBench } from './understanding.js';
import { voiceToVoiceBench } from './voice-to-voice.js';
import { webhooksBench } from './webhooks.js';

const benchmarks: Record<string, () => void | Promise<void>> = {
  availability: availabilityBench,
  pacer: pacerBench,
  audio_path: audioPathBench,
  voice_to_voice: voiceToVoiceBench,
  barge_in: bargeInBench,
  concurrency: concurrencyBench,
  webhooks: webhooksBench,
  understanding: understandingBench,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benchmarks));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}
const names = wanted.length ? wanted : Object.keys(benchmarks);
if (names.length === 1) {
  await benchmarks[names[0]!]!();
} else {
  for (const name of names) {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name], { stdio: 'inherit' });
    if (child.status !== 0) {
      console.error(`benchmark ${name} failed (exit ${child.status ?? child.signal})`);
      process.exitCode = 1;
    }
  }
}
