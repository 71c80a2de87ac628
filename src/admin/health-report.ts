import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { VendorStatus } from '../config/vendors.js';
import { redactText } from '../observability/redact.js';

/** Where the operator's health page reads from; built once in the composition root. */
export interface HealthSources {
  dataSource: DataSource;
  /** The same probes as /health (Postgres, Redis). */
  checks: readonly { name: string; probe(): Promise<unknown> }[];
  vendors: readonly VendorStatus[];
  /** The process's metrics: breaker states and queue depths are read from their gauges. */
  registry: Registry;
  calendar(): { provider: string; authorization: { ok: boolean; error?: string; since?: Date } };
}

export interface HealthReport {
  checks: { name: string; ok: boolean; error?: string }[];
  vendors: { vendor: string; mode: string; detail: string }[];
  breakers: { dependency: string; state: 'closed' | 'half-open' | 'open' }[];
  /** Waiting jobs per BullMQ queue, as last sampled by a worker in this process (absent in a web-only process). */
  queues: { queue: string; waiting: number }[];
  outbox: { kind: string; status: string; count: number; oldest: Date }[];
  calendar: { provider: string; ok: boolean; error?: string; since?: Date };
  /** The latest delivery failures recorded on outbox rows, personal data masked. */
  lastErrors: { kind: string; at: Date; error: string }[];
}

const BREAKER_NAMES = ['closed', 'half-open', 'open'] as const;
const PROBE_TIMEOUT_MS = 2000;

export async function loadHealthReport(sources: HealthSources): Promise<HealthReport> {
  const [checks, outbox, lastErrors, breakers, queues] = await Promise.all([
    Promise.all(sources.checks.map(runCheck)),
    sources.dataSource.query(
      `SELECT kind, status, count(*)::int AS count, min(created_at) AS oldest FROM outbox
        WHERE status IN ('pending', 'queued', 'sending', 'failed') GROUP BY kind, status ORDER BY kind, status`,
    ),
    sources.dataSource.query(
      `SELECT kind, updated_at AS at, last_error AS error FROM outbox WHERE last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 10`,
    ),
    gaugeValues(sources.registry, 'frontdesk_breaker_state', 'dependency'),
    gaugeValues(sources.registry, 'frontdesk_queue_depth', 'queue'),
  ]);
  const calendar = sources.calendar();
  return {
    checks,
    vendors: sources.vendors.map(({ vendor, mode, detail }) => ({ vendor, mode, detail })),
    breakers: breakers.map(({ label, value }) => ({ dependency: label, state: BREAKER_NAMES[value] ?? 'open' })),
    queues: queues.map(({ label, value }) => ({ queue: label, waiting: value })),
    outbox: (outbox as { kind: string; status: string; count: number; oldest: Date }[]).map((row) => ({ ...row, oldest: new Date(row.oldest) })),
    calendar: { provider: calendar.provider, ...calendar.authorization },
    lastErrors: (lastErrors as { kind: string; at: Date; error: string }[]).map((row) => ({
      kind: row.kind,
      at: new Date(row.at),
      error: redactText(row.error),
    })),
  };
}

async function runCheck(check: HealthSources['checks'][number]): Promise<HealthReport['checks'][number]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check.probe(), timeout]);
    return { name: check.name, ok: true };
  } catch (error) {
    return { name: check.name, ok: false, error: redactText((error as Error).message) };
  } finally {
    clearTimeout(timer);
  }
}

async function gaugeValues(registry: Registry, name: string, label: string): Promise<{ label: string; value: number }[]> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return [];
  const { values } = await metric.get();
  return values.map((entry) => ({ label: String(entry.labels[label] ?? ''), value: entry.value }));
}
