import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startFakeOpenAI } from '../../fakes/openai.js';

/** Runs `src/tools/eval.ts` as `npm run eval` would, on a small file written here. */

const run = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function evalCli(...args: string[]): Promise<Outcome> {
  return evalCliWith({}, ...args);
}

async function evalCliWith(env: Record<string, string>, ...args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/tools/eval.ts', ...args], {
      cwd: process.cwd(),
      env: { ...process.env, OPENAI_API_KEY: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const base = { now: '2019-03-01T09:00:00', timezone: 'America/Los_Angeles' };
const lines = [
  {
    id: 'test-1-0-Services_1',
    utterance: 'I want to book an appointment on the 7th at 4 pm',
    prev_system: null,
    ...base,
    gold: { acts: ['inform', 'inform_intent'], intent: 'book', date: '2019-03-07', time: '16:00', requested: [] },
  },
  {
    id: 'test-1-2-Services_1',
    utterance: 'yes please',
    prev_system: 'Please confirm: an appointment on March 7th at 4 pm.',
    ...base,
    gold: { acts: ['affirm'], intent: 'book', date: null, time: null, requested: [] },
  },
  {
    id: 'test-1-4-Services_1',
    utterance: 'no thanks',
    prev_system: 'Is there anything else I can help you with?',
    ...base,
    gold: { acts: ['negate', 'thank_you'], intent: 'none', date: null, time: null, requested: [] },
  },
];

describe('eval CLI', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'frontdesk-eval-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('ends stdout with one JSON object holding exactly the report keys', async () => {
    const file = join(dir, 'small.jsonl');
    const predictions = join(dir, 'predictions.jsonl');
    await writeFile(file, lines.map((line) => JSON.stringify(line)).join('\n'));
    const { code, stdout, stderr } = await evalCli(file, '--predictions', predictions);
    assert.equal(code, 0, stderr);
    const last = stdout.trim().split('\n').at(-1) ?? '';
    const report = JSON.parse(last) as Record<string, number>;
    assert.deepEqual(Object.keys(report).sort(), [
      'acts_f1',
      'date_accuracy',
      'date_false_positive_rate',
      'intent_accuracy',
      'lines',
      'ms_per_sentence_p50',
      'ms_per_sentence_p99',
      'time_accuracy',
      'time_false_positive_rate',
    ]);
    assert.equal(report.lines, 3);
    assert.equal(report.date_accuracy, 1);
    assert.equal(report.time_accuracy, 1);
    assert.equal(report.date_false_positive_rate, 0);
    assert.equal(report.acts_f1, 1);
    assert.equal(report.intent_accuracy, 1, 'the gold "none" line is not counted');
    const written = (await readFile(predictions, 'utf8')).trim().split('\n');
    assert.equal(written.length, 3);
  });

  it('names the line of a malformed input', async () => {
    const file = join(dir, 'broken.jsonl');
    const broken = { ...lines[1], gold: { acts: ['agree'], intent: 'book', date: '7 March', time: null } };
    await writeFile(file, [JSON.stringify(lines[0]), JSON.stringify(broken)].join('\n'));
    const { code, stdout, stderr } = await evalCli(file);
    assert.notEqual(code, 0);
    assert.equal(stdout, '');
    assert.match(stderr, /broken\.jsonl:2: malformed line: .*gold\.acts\.0.*gold\.date: expected YYYY-MM-DD/);
  });

  it('refuses --llm without OPENAI_API_KEY, saying what to set', async () => {
    const { code, stderr } = await evalCli(join(dir, 'small.jsonl'), '--llm');
    assert.equal(code, 2);
    assert.match(stderr, /--llm needs OPENAI_API_KEY/);
  });

  it('with --llm asks the model only about sentences the rules are unsure of', async () => {
    const fake = await startFakeOpenAI();
    try {
      const unsure = join(dir, 'unsure.jsonl');
      await writeFile(
        unsure,
        `${[
          ...lines,
          { id: 'test-2-0-Services_1', utterance: 'hmm well my cousin mentioned you', prev_system: null, ...base, gold: { acts: ['inform'], intent: 'none', date: null, time: null, requested: [] } },
        ]
          .map((line) => JSON.stringify(line))
          .join('\n')}\n`,
      );
      const { code, stdout } = await evalCliWith({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.url }, unsure, '--llm');
      assert.equal(code, 0);
      assert.ok(JSON.parse(stdout.trim().split('\n').at(-1)!).lines > 0);
      // Only the unsure sentence reaches the model (a slow first answer may be retried once).
      const asked = new Set(fake.requests.map((request) => request.body.messages?.at(-1)?.content));
      assert.deepEqual([...asked], ['hmm well my cousin mentioned you']);
    } finally {
      await fake.close();
    }
  });
});
