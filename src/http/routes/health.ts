import { Router } from 'express';
import type { VendorStatus } from '../../config/vendors.js';

export interface HealthCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  probe(): Promise<unknown>;
}

export interface HealthDependencies {
  /** Dependencies without which we cannot take calls (Postgres, Redis). */
  checks: HealthCheck[];
  vendors: readonly VendorStatus[];
  /** State that informs operators without deciding health (e.g. Google's authorization). */
  details?: () => Record<string, unknown>;
  timeoutMs?: number;
}

interface CheckResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

async function run(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check.probe(), timeout]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** `GET /health`: 200 when every check passes (we can take calls), 503 otherwise. */
export function healthRoutes(deps: HealthDependencies): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const results = await Promise.all(deps.checks.map((check) => run(check, deps.timeoutMs ?? 2000)));
    const checks = Object.fromEntries(deps.checks.map((check, i) => [check.name, results[i]]));
    const healthy = results.every((result) => result.ok);
    res.status(healthy ? 200 : 503).json({
      status: healthy ? 'ok' : 'unavailable',
      checks,
      vendors: Object.fromEntries(deps.vendors.map((vendor) => [vendor.vendor, vendor.mode])),
      ...deps.details?.(),
    });
  });
  return router;
}
