/**
 * `npm run check:prometheus`: the shipped Prometheus config is valid and a real Prometheus can
 * scrape a running Frontdesk with it.
 *
 * 1. Installs Debian's `prometheus` package when `prometheus`/`promtool` are missing (apt-get;
 *    needs root or sudo). Nothing is downloaded from anywhere else.
 * 2. `promtool check config docker/prometheus.yml`.
 * 3. Starts Frontdesk (web role, its own fresh database, METRICS_TOKEN set) and a Prometheus whose
 *    config is the shipped one with the target pointed at it, a 1 s scrape interval and the
 *    bearer token read from a file, exactly as the comment in the shipped file describes.
 * 4. Waits until the target is up and `frontdesk_calls_total` and
 *    `frontdesk_turn_latency_seconds_bucket` answer queries, then stops both and drops the database.
 *
 * Not part of `npm test` yet: it needs the Debian package and takes ~10 s.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startFrontdesk } from '../src/app/frontdesk.js';
import { parseEnv } from '../src/config/env.js';
import { createLogger } from '../src/observability/logger.js';
import { dropDatabase } from '../src/storage/ensure-database.js';

const SHIPPED_CONFIG = 'docker/prometheus.yml';
const POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const DEADLINE_MS = 60_000;
const REQUIRED_SERIES = ['frontdesk_calls_total', 'frontdesk_turn_latency_seconds_bucket'];

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function ensurePrometheus(): void {
  if (has('prometheus') && has('promtool')) return;
  console.log("check: installing Debian's prometheus package");
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (...args: string[]) => {
    const [command, ...rest] = [...asRoot, ...args];
    execFileSync(command!, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  run('apt-get', 'update', '-qq');
  run('apt-get', 'install', '-y', '-qq', 'prometheus');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The shipped config with its Frontdesk job aimed at `target`, scraped every second with the token file. */
function localConfig(target: string, tokenFile: string): string {
  const config = parse(readFileSync(SHIPPED_CONFIG, 'utf8')) as {
    global?: Record<string, unknown>;
    scrape_configs: { job_name: string; [key: string]: unknown }[];
  };
  const job = config.scrape_configs.find((entry) => entry.job_name === 'frontdesk-web');
  if (!job) throw new Error(`${SHIPPED_CONFIG} has no frontdesk-web job; the check and the dashboard expect one`);
  config.global = { ...config.global, scrape_interval: '1s', evaluation_interval: '1s' };
  Object.assign(job, { static_configs: [{ targets: [target] }], scrape_interval: '1s', authorization: { type: 'Bearer', credentials_file: tokenFile } });
  return stringify(config);
}

async function prometheusApi(origin: string, path: string): Promise<{ data: unknown } | undefined> {
  try {
    const response = await fetch(`${origin}${path}`);
    return response.ok ? ((await response.json()) as { data: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/** Polls until `check` returns a value or the deadline passes, then says what was still missing. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`check: ${what} did not happen within ${DEADLINE_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Stops the Prometheus we started and waits for it, so its data folder can be removed. */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function main(): Promise<void> {
  ensurePrometheus();
  execFileSync('promtool', ['check', 'config', SHIPPED_CONFIG], { stdio: 'inherit' });

  const work = mkdtempSync(join(tmpdir(), 'frontdesk-prometheus-'));
  const token = randomBytes(16).toString('hex');
  const databaseUrl = `${POSTGRES}/frontdesk_promcheck_${randomBytes(4).toString('hex')}`;
  const env = parseEnv({ PORT: '0', DATABASE_URL: databaseUrl, DATA_DIR: join(work, 'data'), METRICS_TOKEN: token, LOG_LEVEL: 'warn' });
  const frontdesk = await startFrontdesk(env, 'web', createLogger({ level: env.LOG_LEVEL }));
  let prometheus: ChildProcess | undefined;
  try {
    const tokenFile = join(work, 'metrics-token');
    writeFileSync(tokenFile, token, { mode: 0o600 });
    writeFileSync(join(work, 'prometheus.yml'), localConfig(new URL(frontdesk.url!).host, tokenFile));
    execFileSync('promtool', ['check', 'config', join(work, 'prometheus.yml')], { stdio: 'ignore' });
    const origin = `http://127.0.0.1:${await freePort()}`;
    prometheus = spawn(
      'prometheus',
      [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'tsdb')}`, `--web.listen-address=${new URL(origin).host}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let prometheusLog = '';
    prometheus.stderr!.on('data', (chunk: Buffer) => {
      prometheusLog = (prometheusLog + chunk.toString()).slice(-4000);
    });
    prometheus.once('exit', (code) => {
      if (code) console.error(`check: prometheus exited with ${code}:\n${prometheusLog}`);
    });

    await waitFor('the Frontdesk target reporting up', async () => {
      const body = (await prometheusApi(origin, '/api/v1/targets')) as { data: { activeTargets: { health: string; lastError: string }[] } } | undefined;
      const target = body?.data.activeTargets[0];
      if (target?.lastError) console.log(`check: target not up yet: ${target.lastError}`);
      return target?.health === 'up' ? true : undefined;
    });
    for (const series of REQUIRED_SERIES) {
      const count = await waitFor(`${series} answering a query`, async () => {
        const body = (await prometheusApi(origin, `/api/v1/query?query=${encodeURIComponent(series)}`)) as { data: { result: unknown[] } } | undefined;
        return body?.data.result.length ? body.data.result.length : undefined;
      });
      console.log(`check: ${series}: ${count} series`);
    }
    console.log('check: prometheus scraped Frontdesk with the shipped config');
  } finally {
    await stop(prometheus);
    await frontdesk.close();
    await dropDatabase(databaseUrl);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
