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

// Loaded on demand: the parent of a full run only starts children and need not hold the app.
const benchmarks: Record<string, () => Promise<void>> = {
  availability: async () => (await import('./availability.js')).availabilityBench(),
  pacer: async () => (await import('./pacer.js')).pacerBench(),
  audio_path: async () => (await import('./audio-path.js')).audioPathBench(),
  voice_to_voice: async () => (await import('./voice-to-voice.js')).voiceToVoiceBench(),
  barge_in: async () => (await import('./barge-in.js')).bargeInBench(),
  concurrency: async () => (await import('./concurrency.js')).concurrencyBench(),
  webhooks: async () => (await import('./webhooks.js')).webhooksBench(),
  understanding: async () => (await import('./understanding.js')).understandingBench(),
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
