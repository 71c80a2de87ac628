import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Labelled metrics that check their label values: a value that fails its label's rule is
 * recorded as `invalid` instead of throwing (a metric must never break a call), so no phone
 * number, name or transcript can become a label. Known values start at zero.
 */

export interface LabelledCounter<L> {
  inc(labels: L, value?: number): void;
}

export interface LabelledGauge<L, V extends number = number> {
  set(labels: L, value: V): void;
  inc(labels: L, value?: number): void;
  dec(labels: L, value?: number): void;
}

export interface LabelledHistogram<L> {
  observe(labels: L, seconds: number): void;
  /** Starts a timer; calling the result observes the elapsed seconds and returns them. */
  startTimer(labels: L): () => number;
}

/** Which values a label accepts: the known ones (started at zero) and, if open, any that pass `accepts`. */
export interface LabelRule {
  readonly known: readonly string[];
  readonly accepts?: (value: string) => boolean;
}
type LabelRules<L> = { readonly [K in keyof L]-?: LabelRule };
type LabelValues = Record<string, string | number>;

/** The value recorded in place of one that fails its label's check. */
export const INVALID_LABEL = 'invalid';

export function closedSet(known: readonly string[]): LabelRule {
  return { known };
}

export function openSet(accepts: (value: string) => boolean, known: readonly string[] = []): LabelRule {
  return { known, accepts };
}

/** `sms-send`, `calendar_sync`, `no-answer`: lower case, no spaces, no run of 4+ digits. */
export function isIdentifier(value: string): boolean {
  return /^[a-z][a-z0-9_.-]{0,47}$/.test(value) && !/\d{4}/.test(value);
}

export function isRoutePath(value: string): boolean {
  return /^\/[a-z0-9_/-]{0,63}$/.test(value) && !/\d{4}/.test(value);
}

export function isHttpStatus(value: string): boolean {
  return /^[1-5]\d\d$/.test(value);
}

function checkedLabels<L extends object>(rules: LabelRules<L>, labels: L): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [name, rule] of Object.entries(rules) as [string, LabelRule][]) {
    const value = String((labels as LabelValues)[name]);
    const valid = rule.known.includes(value) || (rule.accepts?.(value) ?? false);
    checked[name] = valid ? value : INVALID_LABEL;
  }
  return checked;
}

/** Every combination of the known label values (none when a label has no known values). */
function knownCombinations(rules: Record<string, LabelRule>): Record<string, string>[] {
  let combinations: Record<string, string>[] = [{}];
  for (const [name, rule] of Object.entries(rules)) {
    combinations = combinations.flatMap((partial) => rule.known.map((value) => ({ ...partial, [name]: value })));
  }
  return combinations;
}

export function labelledCounter<L extends object>(
  registry: Registry,
  name: string,
  help: string,
  rules: LabelRules<L>,
): LabelledCounter<L> {
  const counter = new Counter({ name, help, labelNames: Object.keys(rules), registers: [registry] });
  for (const labels of knownCombinations(rules)) counter.inc(labels, 0);
  return { inc: (labels, value) => counter.inc(checkedLabels(rules, labels), value) };
}

export function labelledGauge<L extends object, V extends number = number>(
  registry: Registry,
  name: string,
  help: string,
  rules: LabelRules<L>,
): LabelledGauge<L, V> {
  const gauge = new Gauge({ name, help, labelNames: Object.keys(rules), registers: [registry] });
  for (const labels of knownCombinations(rules)) gauge.set(labels, 0);
  return {
    set: (labels, value) => gauge.set(checkedLabels(rules, labels), value),
    inc: (labels, value) => gauge.inc(checkedLabels(rules, labels), value),
    dec: (labels, value) => gauge.dec(checkedLabels(rules, labels), value),
  };
}

export function labelledHistogram<L extends object>(
  registry: Registry,
  name: string,
  help: string,
  buckets: number[],
  rules: LabelRules<L>,
): LabelledHistogram<L> {
  const histogram = new Histogram({ name, help, buckets, labelNames: Object.keys(rules), registers: [registry] });
  for (const labels of knownCombinations(rules)) histogram.zero(labels);
  return {
    observe: (labels, seconds) => histogram.observe(checkedLabels(rules, labels), seconds),
    startTimer: (labels) => {
      const end = histogram.startTimer(checkedLabels(rules, labels));
      return () => end();
    },
  };
}
