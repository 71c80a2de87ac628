/**
 * Understanding: the eval CLI (`npm run eval`, rules only, as on a call without a model) over the
 * shared dev set, in a child process so its figures are its own; its last stdout line is the
 * report. Prints accuracy and the time per sentence.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { figure } from './call-bench.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEV_SET = '../shared/eval/sgd/dev.jsonl';

export async function understandingBench(): Promise<void> {
  const { stdout } = await run(`${ROOT}node_modules/.bin/tsx`, ['src/tools/eval.ts', DEV_SET], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 300_000 });
  const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
  for (const [name, value] of Object.entries(report)) {
    const unit = name.startsWith('ms_') ? 'ms' : name === 'lines' ? 'sentences' : '';
    figure(`understanding_${name.replace(/^ms_per_sentence_(p\d+)$/, 'sentence_$1')}`, String(value), unit);
  }
}
