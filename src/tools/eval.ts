/**
 * Scores understanding on labelled sentences (format: shared/eval/README.md): the rules alone,
 * or with `--llm` the rules backed by the OpenAI model (OPENAI_API_KEY, OPENAI_BASE_URL,
 * OPENAI_MODEL), asked only where the rules are unsure, as in production.
 *
 *   npm run eval -- ../shared/eval/sgd/dev.jsonl [--predictions out.jsonl] [--llm]
 *
 * The last line on stdout is one JSON object with the metrics; a progress bar goes to stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { evalLine, dialogueOf, predict, score, type EvalLine, type Prediction } from '../dialog/understanding/evaluation.js';
import { HybridUnderstanding } from '../dialog/understanding/hybrid-understanding.js';
import { createOpenAIUnderstanding } from '../dialog/understanding/openai-understanding.js';
import { RuleUnderstanding } from '../dialog/understanding/rule-understanding.js';
import type { Intent, Understanding } from '../dialog/understanding/types.js';
import { parseEnv } from '../config/env.js';
import pino from 'pino';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { createVendorPolicy } from '../resilience/vendor-policy.js';

const usage = 'usage: npm run eval -- <file.jsonl> [--predictions out.jsonl] [--llm]';

interface Options {
  file: string;
  predictionsFile?: string;
  llm: boolean;
}

function parseArguments(args: readonly string[]): Options {
  let file: string | undefined;
  let predictionsFile: string | undefined;
  let llm = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === '--predictions') {
      predictionsFile = args[index + 1];
      index += 1;
      if (!predictionsFile) fail(`--predictions needs a file name\n${usage}`);
    } else if (arg === '--llm') llm = true;
    else if (arg?.startsWith('--')) fail(`unknown option ${arg}\n${usage}`);
    else if (file) fail(`expected one input file, got "${file}" and "${arg}"\n${usage}`);
    else file = arg;
  }
  if (!file) fail(usage);
  return { file, llm, ...(predictionsFile ? { predictionsFile } : {}) };
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** Every line checked before any is scored, so a bad file fails fast and names its line. */
function readLines(file: string): EvalLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return fail(`cannot read ${file}: ${(error as Error).message}`);
  }
  const lines: EvalLine[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      fail(`${file}:${index + 1}: not valid JSON (${(error as Error).message})`);
    }
    const parsed = evalLine.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(line)'}: ${issue.message}`).join('; ');
      fail(`${file}:${index + 1}: malformed line: ${issues}`);
    }
    lines.push(parsed.data);
  });
  return lines;
}

function progress(done: number, total: number): void {
  if (total < 500 || (done % Math.ceil(total / 100) !== 0 && done !== total)) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
}

/** The rules, or (with --llm) the rules with the configured model behind them. */
function understandingFor(llm: boolean): Understanding {
  if (!llm) return new RuleUnderstanding();
  const env = parseEnv();
  if (!env.OPENAI_API_KEY) fail('--llm needs OPENAI_API_KEY (and OPENAI_BASE_URL for a local or fake server)');
  // stdout is the report (its last line is the JSON); logs go to stderr so they never follow it.
  const logger = createLogger({ level: 'warn', destination: pino.destination(2) });
  const policy = createVendorPolicy({ dependency: 'openai', metrics: createMetrics(), logger, timeoutMs: 3000, retries: 1 });
  const model = createOpenAIUnderstanding({ apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL, model: env.OPENAI_MODEL, policy });
  return new HybridUnderstanding({ llm: model, logger });
}

const options = parseArguments(process.argv.slice(2));
const understanding = understandingFor(options.llm);
// The app warms the rules up at start (chrono-node builds its parsers on first use); so does
// the eval, or the first sentence's ~100 ms would be timed as if a caller had waited for it.
new RuleUnderstanding().warmUp();

const lines = readLines(options.file);
const intentSoFar = new Map<string, Intent>();
const predictions: Prediction[] = [];
for (const [index, line] of lines.entries()) {
  const dialogue = dialogueOf(line.id);
  const prediction = await predict(line, intentSoFar.get(dialogue), understanding);
  if (prediction.intent) intentSoFar.set(dialogue, prediction.intent);
  predictions.push(prediction);
  progress(index + 1, lines.length);
}

if (options.predictionsFile) {
  const out = lines.map((line, index) => JSON.stringify({ ...line, predicted: predictions[index] }));
  writeFileSync(options.predictionsFile, `${out.join('\n')}\n`);
}
console.log(JSON.stringify(score(lines, predictions)));
