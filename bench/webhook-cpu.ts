import { readFile } from 'node:fs/promises';
import type { DataSource } from 'typeorm';

/** CPU time used so far, in ms: this process (the app) and the Postgres backends serving its database. */
export interface CpuReading {
  appMs: number;
  /** Per backend pid: a backend that appears between readings counts from zero. */
  postgresMs: Map<number, number>;
}

/** Linux clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on every kernel we run on). */
const TICKS_PER_S = 100;

async function processCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start at ") "; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
  } catch {
    return undefined;
  }
}

/**
 * Reads both. The backends are the client connections to the bench's own scratch database, so
 * other suites using Postgres on the same machine are not counted, nor is autovacuum (whose
 * visits to the young tables come and go between steps). The backend running this look-up is
 * one of the app's pool and counts like the others: left out, a backend would be missing from
 * one reading and its whole lifetime's CPU counted (or its step's lost).
 */
export async function readCpu(dataSource: DataSource): Promise<CpuReading> {
  const { user, system } = process.cpuUsage();
  const rows: { pid: number }[] = await dataSource.query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`,
  );
  const postgresMs = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = await processCpuMs(pid);
    if (ms !== undefined) postgresMs.set(pid, ms);
  }
  return { appMs: (user + system) / 1000, postgresMs };
}

/** CPU per request between two readings, in ms. */
export function cpuPerRequest(before: CpuReading, after: CpuReading, requests: number): { appMs: number; postgresMs: number } {
  let postgres = 0;
  for (const [pid, ms] of after.postgresMs) postgres += ms - (before.postgresMs.get(pid) ?? 0);
  const per = (ms: number) => (requests > 0 ? ms / requests : 0);
  return { appMs: per(after.appMs - before.appMs), postgresMs: per(postgres) };
}
