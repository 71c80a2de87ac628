/**
 * `npm run bench [-- NAME ...]`: runs the named benchmarks (all by default), one `name: value`
 * line per figure. Compare figures as ratios within one run; these machines are noisy.
 */
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
for (const name of wanted.length ? wanted : Object.keys(benchmarks)) await benchmarks[name]!();
