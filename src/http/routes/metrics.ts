import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Registry } from 'prom-client';
import { HttpError } from '../errors.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `GET /metrics` in Prometheus text format; with METRICS_TOKEN set, a bearer token is required. */
export function metricsRoutes(deps: { registry: Registry; token?: string | undefined }): Router {
  const router = Router();
  router.get('/metrics', async (req, res, next) => {
    if (deps.token) {
      const given = /^Bearer (.+)$/i.exec(req.header('authorization') ?? '')?.[1] ?? '';
      if (!sameSecret(given, deps.token)) {
        next(new HttpError('unauthorized', 'send Authorization: Bearer <METRICS_TOKEN>'));
        return;
      }
    }
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  return router;
}
