# syntax=docker/dockerfile:1
# One image, several roles: `node dist/src/main.js web|worker|all|migrate` (see docker-compose.yml).

# ---- build: install everything, compile TypeScript, then drop dev dependencies ----
FROM node:22-bookworm-slim AS build
WORKDIR /app

# Manifests first, so the dependency layer is cached until they change. `npm ci` also installs the
# dev `node` package (a Node 22 binary for older machines); it is harmless here and `npm prune`
# removes it together with TypeScript and the test tools.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

COPY . .
# The admin softphone's browser files are served as they are, from beside the compiled admin code.
RUN npm run build \
 && cp -r src/admin/static dist/src/admin/static \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: compiled code, production dependencies and business files only ----
FROM node:22-bookworm-slim AS runtime

# As PID 1, node gets no default signal actions from the kernel (any signal it has no handler
# for, at any moment, is silently ignored) and reaps no orphaned children. tini runs as PID 1,
# forwards SIGTERM/SIGINT to node, which then shuts down gracefully (src/main.ts), and reaps
# children. Baked into the image it works the same under `docker run`, compose and Kubernetes,
# unlike `--init`/`init: true`, which every runner must remember. `ENTRYPOINT ["node"]` would
# leave node as PID 1.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production
WORKDIR /app

# Code stays owned by root, so the app cannot rewrite itself; only DATA_DIR (generated dev Twilio
# token, local mail folder) is writable by the `node` user. A named volume mounted on /app/.data
# starts with this directory's ownership.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/config ./config
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node
EXPOSE 3000

# Only the web role serves /health (the worker's compose service turns this off). Slim images
# have no curl, so node's built-in fetch makes the probe; 503 (cannot take calls) is unhealthy.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
# --single-threaded-gc, as in `npm start`: on a small machine (2 cores shared with Postgres) V8's
# parallel GC made each pause wait for helper threads that had no core, and those pauses were
# what delayed outbound audio frames (docs/benchmarks.md, "GC on one thread").
# --no-memory-reducer: when allocation slows (a few calls), V8 shrank the heap with full,
# compacting collections that stopped a live call for ~50 ms (docs/benchmarks.md, session 7).
# --heap-growing-percent=100: the next full collection when the heap has doubled, not grown by a
# fifth; each one's marking took ~160 ms of this thread at 300 calls, so fewer of them (session 8).
CMD ["node", "--single-threaded-gc", "--no-memory-reducer", "--heap-growing-percent=100", "dist/src/main.js", "web"]
