import { DateTime } from 'luxon';
import { z } from 'zod';
import { dialogActs, intents, type Intent, type Understanding } from './types.js';

/**
 * Scoring understanding against labelled sentences (format in shared/eval/README.md). Each
 * dialogue carries the intent predicted for its previous line, as the dialog state would.
 */

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional().transform((value) => value ?? null);

export const evalLine = z.object({
  id: z.string().min(1),
  utterance: z.string(),
  prev_system: nullable(z.string()),
  now: z.string().refine((value) => DateTime.fromISO(value).isValid, 'expected a local date-time like 2019-03-01T09:00:00'),
  timezone: z.string().refine((value) => DateTime.local().setZone(value).isValid, 'expected an IANA time zone'),
  gold: z.object({
    acts: z.array(z.enum(dialogActs)),
    intent: z.string(),
    date: nullable(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')),
    time: nullable(z.string().regex(/^\d{2}:\d{2}$/, 'expected HH:MM')),
    requested: z.array(z.string()).default([]),
  }),
});
export type EvalLine = z.output<typeof evalLine>;

export interface Prediction {
  id: string;
  acts: string[];
  intent: Intent | null;
  date: string | null;
  time: string | null;
  requested: string[];
  ms: number;
}

export interface Report {
  lines: number;
  acts_f1: number;
  date_accuracy: number;
  date_false_positive_rate: number;
  time_accuracy: number;
  time_false_positive_rate: number;
  intent_accuracy: number;
  ms_per_sentence_p50: number;
  ms_per_sentence_p99: number;
}

/** The evaluation's provider-search and calendar-listing intents are not ours: a receptionist answers them with `other`. */
export function goldIntent(intent: string): Intent | undefined {
  if (intent === 'find_provider' || intent === 'list_appointments') return 'other';
  return (intents as readonly string[]).includes(intent) ? (intent as Intent) : undefined;
}

/** "sgd-dev-3_00032-2-Services_4" belongs to dialogue "sgd-dev-3_00032" (turn 2). */
export function dialogueOf(id: string): string {
  return /^(.*)-\d+(?:-[^-]*)?$/.exec(id)?.[1] ?? id;
}

export async function predict(
  line: EvalLine,
  previousIntent: Intent | undefined,
  understanding: Understanding,
): Promise<Prediction> {
  const zone = line.timezone;
  const now = DateTime.fromISO(line.now, { zone }).toJSDate();
  const started = performance.now();
  const understood = await understanding.understand(line.utterance, {
    now,
    timeZone: zone,
    ...(line.prev_system ? { previousPrompt: line.prev_system } : {}),
    ...(previousIntent ? { previousIntent } : {}),
  });
  const ms = performance.now() - started;
  return {
    id: line.id,
    acts: understood.acts,
    intent: understood.intent ?? null,
    date: understood.slots.date ?? null,
    time: understood.slots.time ?? null,
    requested: understood.slots.requested ?? [],
    ms,
  };
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
}

const round = (value: number, places = 4) => Number(value.toFixed(places));
const ratio = (hits: number, total: number) => (total === 0 ? 0 : hits / total);

/**
 * Accuracy on lines whose gold states a value, and false positives on lines whose gold is null
 * (where predicting nothing is right), as the eval README defines them.
 */
function slotTally() {
  const tally = {
    gold: 0,
    hit: 0,
    none: 0,
    falsePositive: 0,
    add(gold: string | null, predicted: string | null) {
      if (gold === null) {
        tally.none += 1;
        if (predicted !== null) tally.falsePositive += 1;
      } else {
        tally.gold += 1;
        if (predicted === gold) tally.hit += 1;
      }
    },
  };
  return tally;
}

export function score(lines: readonly EvalLine[], predictions: readonly Prediction[]): Report {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  const date = slotTally();
  const time = slotTally();
  const counts = { intentGold: 0, intentHit: 0 };
  lines.forEach((line, index) => {
    const predicted = predictions[index];
    if (!predicted) return;
    const gold = new Set<string>(line.gold.acts);
    const said = new Set<string>(predicted.acts);
    for (const act of said) {
      if (gold.has(act)) truePositives += 1;
      else falsePositives += 1;
    }
    for (const act of gold) if (!said.has(act)) falseNegatives += 1;
    date.add(line.gold.date, predicted.date);
    time.add(line.gold.time, predicted.time);
    const intent = goldIntent(line.gold.intent);
    if (intent) {
      counts.intentGold += 1;
      if (predicted.intent === intent) counts.intentHit += 1;
    }
  });
  const times = predictions.map((prediction) => prediction.ms).sort((a, b) => a - b);
  return {
    lines: lines.length,
    acts_f1: round(ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives)),
    date_accuracy: round(ratio(date.hit, date.gold)),
    date_false_positive_rate: round(ratio(date.falsePositive, date.none)),
    time_accuracy: round(ratio(time.hit, time.gold)),
    time_false_positive_rate: round(ratio(time.falsePositive, time.none)),
    intent_accuracy: round(ratio(counts.intentHit, counts.intentGold)),
    ms_per_sentence_p50: round(percentile(times, 0.5), 3),
    ms_per_sentence_p99: round(percentile(times, 0.99), 3),
  };
}
