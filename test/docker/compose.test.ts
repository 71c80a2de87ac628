import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { envNames, parseEnv } from '../../src/config/env.js';
import { metricNames } from '../../src/observability/metrics.js';

/**
 * No Docker engine runs where these tests run, so the packaging files are checked by reading
 * them: each test ties a packaging file to the app fact it must agree with (env names, build
 * output path, metric names, service names).
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const readText = (path: string): string => readFileSync(join(root, path), 'utf8');
// Compose resolves `<<` merge keys (the x-app anchor), so the test must too.
const readYaml = (path: string): unknown => parse(readText(path), { merge: true });

/** `npm start` is `tsx <node flags> <entry>.ts all`: the image runs the built entry with the same flags. */
function startScript(): { nodeFlags: string[]; source: string } {
  const pkg = JSON.parse(readText('package.json')) as { scripts: Record<string, string> };
  const match = /\btsx\s+((?:--\S+\s+)*)(\S+\.ts)\b/.exec(pkg.scripts.start ?? '');
  assert.ok(match, 'package.json "start" no longer runs a .ts entry with tsx');
  return { nodeFlags: match[1]!.split(/\s+/).filter(Boolean), source: match[2]! };
}
const NODE_FLAGS = startScript().nodeFlags;

/** Histograms also expose `_bucket`, `_sum` and `_count` series the dashboard may query. */
const histogramNames = new Set(['frontdesk_turn_latency_seconds', 'frontdesk_barge_in_seconds']);

/** Vendor credentials: each absent one selects a local stand-in (DESIGN.md section 3). */
const vendorKeys = [
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'DEEPGRAM_API_KEY',
  'OPENAI_API_KEY',
  'ELEVENLABS_API_KEY',
  'GOOGLE_CALENDAR_CREDENTIALS',
  'SMTP_URL',
] as const;

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number })[];
  volumes?: (string | { source?: string; target: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
}

interface Compose {
  services: Record<string, ComposeService>;
}

function service(compose: Compose, name: string): ComposeService {
  const found = compose.services[name];
  assert.ok(found, `docker-compose.yml has no service "${name}"`);
  return found;
}

/** The environment as compose writes it: `null` means "copy from the host if set". */
function environmentOf(svc: ComposeService): Record<string, string | null> {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const at = entry.indexOf('=');
        return at === -1 ? [entry, null] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, value === null ? null : String(value)]),
  );
}

/** Compose's `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `$NAME` and `$$`. */
function interpolate(value: string, host: Record<string, string | undefined>): string {
  const resolved = value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced: string | undefined, op: string | undefined, fallback: string, bare: string | undefined) => {
      if (match === '$$') return '\0';
      const hostValue = host[(braced ?? bare) as string];
      if (op === ':-') return hostValue === undefined || hostValue === '' ? fallback : hostValue;
      if (op === '-') return hostValue ?? fallback;
      return hostValue ?? '';
    },
  );
  assert.ok(!resolved.includes('${'), `unsupported interpolation in "${value}"`);
  return resolved.replaceAll('\0', '$');
}

/** What the container's process.env would hold, given the host's environment. */
function containerEnv(svc: ComposeService, host: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(environmentOf(svc))) {
    if (value !== null) env[name] = interpolate(value, host);
    else if (host[name] !== undefined) env[name] = host[name];
  }
  return env;
}

function commandOf(svc: ComposeService): string[] {
  const command = svc.command ?? [];
  return typeof command === 'string' ? command.split(/\s+/).filter(Boolean) : command;
}

function volumeTargets(svc: ComposeService): Map<string, string | undefined> {
  return new Map(
    (svc.volumes ?? []).map((volume) => {
      if (typeof volume !== 'string') return [volume.target, volume.source];
      const [source, target] = volume.split(':');
      return target === undefined ? [source as string, undefined] : [target, source];
    }),
  );
}

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile stages: comments dropped, continuation lines joined, split at each FROM. */
function dockerfileStages(text: string): Instruction[][] {
  const logical = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const stages: Instruction[][] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') stages.push([]);
    assert.ok(stages.length > 0, `Dockerfile instruction before the first FROM: ${line}`);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

function execForm(instruction: Instruction | undefined, what: string): string[] {
  assert.ok(instruction, `Dockerfile runtime stage has no ${what}`);
  const parsed: unknown = JSON.parse(instruction.args);
  assert.ok(
    Array.isArray(parsed) && parsed.every((part) => typeof part === 'string'),
    `${what} must use the exec (JSON array) form so signals reach the process`,
  );
  return parsed as string[];
}

/** The compiled entry file, derived from `npm start`'s source file and tsconfig.build.json. */
function builtEntryFile(): string {
  const { source } = startScript();
  const build = JSON.parse(readText('tsconfig.build.json')) as {
    compilerOptions: { outDir: string; rootDir: string };
  };
  const relative = posix.relative(build.compilerOptions.rootDir, source);
  return posix.join(build.compilerOptions.outDir, relative.replace(/\.ts$/, '.js'));
}

/** Metric names an expression reads: identifiers that are not functions, keywords or labels. */
function promqlMetricNames(expr: string): string[] {
  const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names: string[] = [];
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const before = stripped[match.index - 1] ?? ' ';
    const after = stripped.slice(match.index + match[0].length);
    if (/[0-9.]/.test(before) || /^\s*\(/.test(after) || keywords.has(match[0].toLowerCase())) continue;
    names.push(match[0]);
  }
  return names;
}

function isKnownMetric(name: string): boolean {
  if (metricNames.includes(name)) return true;
  const base = name.replace(/_(?:bucket|sum|count)$/, '');
  return base !== name && histogramNames.has(base);
}

describe('docker packaging', () => {
  const known = new Set<string>(envNames);
  let compose: Compose;
  let stages: Instruction[][];
  let entryFile: string;
  const find = (keyword: string) => (stages.at(-1) ?? []).filter((instruction) => instruction.keyword === keyword);

  before(() => {
    compose = readYaml('docker-compose.yml') as Compose;
    assert.ok(compose && typeof compose.services === 'object', 'docker-compose.yml has no services');
    stages = dockerfileStages(readText('Dockerfile'));
    entryFile = builtEntryFile();
  });

  describe('docker-compose.yml', () => {
    it('defines the six services', () => {
      assert.deepEqual(
        Object.keys(compose.services).sort(),
        ['grafana', 'postgres', 'prometheus', 'redis', 'web', 'worker'],
      );
    });

    it('runs web and worker from one image with their role as the command', () => {
      const web = service(compose, 'web');
      const worker = service(compose, 'worker');
      assert.ok(web.build, 'web must build the image from the Dockerfile');
      assert.deepEqual(worker.build, web.build);
      assert.equal(worker.image, web.image);
      assert.deepEqual(commandOf(web), ['node', ...NODE_FLAGS, entryFile, 'web']);
      assert.deepEqual(commandOf(worker), ['node', ...NODE_FLAGS, entryFile, 'worker']);
    });

    it('gives the other npm entries (web, worker, bench) the same Node flags as npm start', () => {
      const { scripts } = JSON.parse(readText('package.json')) as { scripts: Record<string, string> };
      for (const name of ['start:web', 'start:worker', 'bench']) {
        assert.match(scripts[name] ?? '', new RegExp(`^tsx ${NODE_FLAGS.join(' ')} \\S+\\.ts\\b`), `npm run ${name}`);
      }
    });

    for (const name of ['web', 'worker']) {
      it(`gives ${name} only env names the app declares`, () => {
        const unknown = Object.keys(environmentOf(service(compose, name))).filter((env) => !known.has(env));
        assert.deepEqual(unknown, [], `not in envNames (src/config/env.ts): ${unknown.join(', ')}`);
      });

      it(`passes every vendor key through to ${name}, empty when the host has none`, () => {
        const env = environmentOf(service(compose, name));
        for (const key of vendorKeys) assert.equal(env[key], `\${${key}:-}`, key);
      });

      it(`starts ${name} with a valid env on a bare host, local stand-ins for every vendor`, () => {
        const env = parseEnv(containerEnv(service(compose, name), {}));
        for (const key of vendorKeys) assert.equal(env[key], undefined, key);
        assert.equal(env.DATABASE_URL, 'postgres://postgres:postgres@postgres:5432/frontdesk');
        assert.equal(env.REDIS_URL, 'redis://redis:6379');
      });

      it(`hands the host's vendor keys to ${name}`, () => {
        const host = {
          TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
          DEEPGRAM_API_KEY: 'dg-key',
          SMTP_URL: 'smtp://user:pass@mail.example:587',
          LOG_LEVEL: 'debug',
        };
        const env = parseEnv(containerEnv(service(compose, name), host));
        assert.equal(env.TWILIO_ACCOUNT_SID, host.TWILIO_ACCOUNT_SID);
        assert.equal(env.DEEPGRAM_API_KEY, host.DEEPGRAM_API_KEY);
        assert.equal(env.SMTP_URL, host.SMTP_URL);
        assert.equal(env.LOG_LEVEL, 'debug');
      });

      it(`waits for healthy postgres and redis before starting ${name}`, () => {
        const dependsOn = service(compose, name).depends_on;
        assert.ok(dependsOn && !Array.isArray(dependsOn), 'depends_on must use the long form with conditions');
        assert.equal(dependsOn.postgres?.condition, 'service_healthy');
        assert.equal(dependsOn.redis?.condition, 'service_healthy');
      });

      it(`keeps ${name}'s DATA_DIR on a volume`, () => {
        const dataDir = containerEnv(service(compose, name), {}).DATA_DIR;
        assert.ok(dataDir, 'set DATA_DIR so the volume target and the app agree');
        assert.ok(volumeTargets(service(compose, name)).has(dataDir), `no volume mounted at ${dataDir}`);
      });
    }

    it('shares one DATA_DIR volume between web and worker', () => {
      const dataDir = containerEnv(service(compose, 'web'), {}).DATA_DIR as string;
      const source = volumeTargets(service(compose, 'web')).get(dataDir);
      assert.equal(volumeTargets(service(compose, 'worker')).get(dataDir), source);
    });

    it("points web's DATABASE_URL at the postgres service's own database and user", () => {
      const url = new URL(environmentOf(service(compose, 'web')).DATABASE_URL ?? '');
      const pg = environmentOf(service(compose, 'postgres'));
      assert.equal(url.hostname, 'postgres');
      assert.equal(url.pathname, `/${pg.POSTGRES_DB}`);
      assert.equal(url.username, pg.POSTGRES_USER ?? 'postgres');
      assert.equal(url.password, pg.POSTGRES_PASSWORD);
    });

    it('publishes web on port 3000, the port the app listens on', () => {
      const web = service(compose, 'web');
      assert.ok((web.ports ?? []).some((port) => String(port).endsWith(':3000')), 'no mapping to container port 3000');
      assert.equal(parseEnv(containerEnv(web, {})).PORT, 3000);
    });

    it('runs redis with appendonly and noeviction, as BullMQ needs', () => {
      const args = commandOf(service(compose, 'redis'));
      const option = (flag: string) => args[args.indexOf(flag) + 1];
      assert.ok(args.includes('--appendonly'), 'redis command lacks --appendonly');
      assert.equal(option('--appendonly'), 'yes');
      assert.ok(args.includes('--maxmemory-policy'), 'redis command lacks --maxmemory-policy');
      assert.equal(option('--maxmemory-policy'), 'noeviction');
    });

    it('gives postgres and redis real healthchecks', () => {
      const pg = service(compose, 'postgres').healthcheck;
      const redis = service(compose, 'redis').healthcheck;
      assert.ok(pg?.test && !pg.disable, 'postgres has no healthcheck');
      assert.match([pg.test].flat().join(' '), /pg_isready/);
      assert.ok(redis?.test && !redis.disable, 'redis has no healthcheck');
      assert.match([redis.test].flat().join(' '), /redis-cli.*ping/);
    });

    it("turns off the image's /health probe for the worker, which serves no HTTP", () => {
      assert.equal(service(compose, 'worker').healthcheck?.disable, true);
    });
  });

  describe('Dockerfile', () => {
    it('builds in at least two stages on node:22', () => {
      assert.ok(stages.length >= 2, `expected a build and a runtime stage, found ${stages.length}`);
      for (const stage of stages) assert.match(stage[0]?.args ?? '', /^node:22[-\w.]*(\s+AS\s+\w+)?$/i);
    });

    it('runs as a user that is not root', () => {
      const user = find('USER').at(-1)?.args;
      assert.ok(user, 'runtime stage has no USER');
      assert.ok(!/^(root|0)(:|$)/.test(user), `USER ${user} is root`);
    });

    it('runs production code only', () => {
      assert.ok(find('ENV').some((env) => /\bNODE_ENV[= ]production\b/.test(env.args)), 'NODE_ENV=production missing');
      const allowed = new Set(['dist', 'node_modules', 'config', 'package.json']);
      for (const copy of find('COPY')) {
        const parts = copy.args.split(/\s+/).filter((part) => !part.startsWith('--'));
        assert.ok(/--from=/.test(copy.args), `runtime COPY must come from the build stage: ${copy.args}`);
        for (const source of parts.slice(0, -1)) {
          assert.ok(allowed.has(posix.basename(source)), `runtime stage copies ${source}`);
        }
      }
    });

    it('probes /health and exposes the port the web role listens on', () => {
      const healthcheck = find('HEALTHCHECK').at(-1)?.args ?? '';
      assert.match(healthcheck, /\bCMD\b.*\/health/);
      assert.deepEqual(find('EXPOSE').map((expose) => expose.args), ['3000']);
    });

    it("starts the build's entry file in the web role, behind an init that forwards signals", () => {
      assert.equal(entryFile, 'dist/src/main.js');
      assert.deepEqual(execForm(find('CMD').at(-1), 'CMD'), ['node', ...NODE_FLAGS, entryFile, 'web']);
      const entrypoint = execForm(find('ENTRYPOINT').at(-1), 'ENTRYPOINT');
      assert.match(entrypoint[0] ?? '', /\/(tini|dumb-init)$/, 'node must not run as PID 1');
    });

    it('keeps local state and dependencies out of the build context', () => {
      const ignored = readText('.dockerignore').split('\n').map((line) => line.trim());
      for (const path of ['node_modules', 'dist', '.data', '.git']) assert.ok(ignored.includes(path), path);
    });
  });

  describe('prometheus', () => {
    it('scrapes web:3000/metrics every 15 s', () => {
      const config = readYaml('docker/prometheus.yml') as {
        global?: { scrape_interval?: string };
        scrape_configs?: { scrape_interval?: string; metrics_path?: string; static_configs?: { targets?: string[] }[] }[];
      };
      const job = config.scrape_configs?.find((candidate) =>
        candidate.static_configs?.some((group) => group.targets?.includes('web:3000')),
      );
      assert.ok(job, 'no scrape job targets web:3000');
      assert.equal(job.metrics_path ?? '/metrics', '/metrics');
      assert.equal(job.scrape_interval ?? config.global?.scrape_interval, '15s');
    });

    it('is the file compose mounts', () => {
      const targets = volumeTargets(service(compose, 'prometheus'));
      assert.equal(targets.get('/etc/prometheus/prometheus.yml'), './docker/prometheus.yml');
    });
  });

  describe('grafana', () => {
    let datasources: { datasources?: { uid?: string; type?: string; url?: string }[] };
    let providers: { providers?: { type?: string; options?: { path?: string } }[] };
    let dashboard: { panels?: { targets?: { expr?: string; datasource?: { uid?: string } }[] }[] };
    let exprs: string[];
    let grafanaMounts: Map<string, string | undefined>;

    before(() => {
      datasources = readYaml('docker/grafana/provisioning/datasources/prometheus.yml') as typeof datasources;
      providers = readYaml('docker/grafana/provisioning/dashboards/frontdesk.yml') as typeof providers;
      dashboard = JSON.parse(readText('docker/grafana/dashboards/frontdesk.json')) as typeof dashboard;
      exprs = (dashboard.panels ?? []).flatMap((panel) => (panel.targets ?? []).map((target) => target.expr ?? ''));
      grafanaMounts = volumeTargets(service(compose, 'grafana'));
    });

    it('provisions the prometheus service as a datasource', () => {
      const prometheus = datasources.datasources?.find((source) => source.type === 'prometheus');
      assert.ok(prometheus?.uid, 'no prometheus datasource with a uid');
      assert.equal(prometheus.url, 'http://prometheus:9090');
      assert.equal(grafanaMounts.get('/etc/grafana/provisioning'), './docker/grafana/provisioning');
    });

    it('loads dashboards from where compose mounts docker/grafana/dashboards', () => {
      const path = providers.providers?.find((provider) => provider.type === 'file')?.options?.path;
      assert.ok(path, 'no file dashboard provider');
      assert.equal(grafanaMounts.get(path), './docker/grafana/dashboards');
    });

    it('queries the provisioned datasource in every panel', () => {
      const uid = datasources.datasources?.find((source) => source.type === 'prometheus')?.uid;
      const targets = (dashboard.panels ?? []).flatMap((panel) => panel.targets ?? []);
      assert.ok(targets.length > 0, 'dashboard has no queries');
      for (const target of targets) assert.equal(target.datasource?.uid, uid, target.expr);
    });

    it('reads metric names out of PromQL', () => {
      assert.deepEqual(
        promqlMetricNames('histogram_quantile(0.95, sum by (le) (rate(x_bucket{a="b"}[5m]))) / up offset 1m'),
        ['x_bucket', 'up'],
      );
    });

    it('uses only metrics the app exports', () => {
      const used = exprs.flatMap(promqlMetricNames);
      const unknown = used.filter((name) => !isKnownMetric(name));
      assert.deepEqual(unknown, [], `unknown metrics: ${unknown.join(', ')}`);
    });

    it('has a panel for every metric family the app declares', () => {
      const used = new Set(exprs.flatMap(promqlMetricNames).map((name) => name.replace(/_(bucket|sum|count)$/, '')));
      for (const name of metricNames) {
        assert.ok(used.has(name), `no panel reads ${name}`);
      }
      assert.ok(exprs.some((expr) => /histogram_quantile\(0\.5,.*by \(le, stage\)/.test(expr)), 'no p50 by stage');
      assert.ok(exprs.some((expr) => /histogram_quantile\(0\.95,.*by \(le, stage\)/.test(expr)), 'no p95 by stage');
    });
  });
});
