import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import pino from 'pino';
import { redactText, redactValue } from './redact.js';

export type Logger = pino.Logger;

export interface LoggerOptions {
  /** Lowest level written: fatal, error, warn, info, debug, trace or silent. */
  level: string;
  /** Human-readable lines through pino-pretty (a dev dependency). Default: false, JSON lines. */
  pretty?: boolean;
  /** Where JSON lines go. Default: stdout. Cannot be combined with `pretty`. */
  destination?: pino.DestinationStream;
}

/**
 * Keys whose values pino hands to a serializer (registered on every logger below). Those
 * serializers redact their own output, and must receive the raw value: pino's request and
 * response serializers read live objects.
 */
const SERIALIZED_KEYS: ReadonlySet<string> = new Set(['err', 'req', 'res']);

/** Error serializer for every logger: pino's error shape with personal data masked. */
export function serializeError(error: unknown): unknown {
  return redactValue(error);
}

/**
 * A structured JSON logger that masks phone numbers, email addresses and card numbers in
 * everything it writes: message strings and interpolation values (`hooks.logMethod`), the merged
 * object (`formatters.log`), base and child bindings, and errors (`err` serializer). Messages
 * should still be static strings with personal data under dedicated fields; masking is the net.
 */
export function createLogger(options: LoggerOptions): Logger {
  if (options.pretty === true && options.destination !== undefined) {
    throw new TypeError('createLogger: `pretty` writes through pino-pretty; drop `destination` or `pretty`');
  }
  const loggerOptions: pino.LoggerOptions = {
    level: options.level,
    base: { service: 'frontdesk', pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: serializeError, req: serializeRequest, res: serializeResponse },
    formatters: { bindings: redactFields, log: redactFields },
    hooks: { logMethod: redactLogCall },
  };
  const logger = options.pretty === true
    ? pino({ ...loggerOptions, transport: { target: 'pino-pretty', options: { colorize: true } } })
    : pino(loggerOptions, options.destination);
  redactLaterBindings(logger);
  return logger;
}

function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      redactText(key),
      SERIALIZED_KEYS.has(key) ? value : redactValue(value),
    ]),
  );
}

function redactLogCall(this: Logger, args: Parameters<pino.LogFn>, method: pino.LogFn): void {
  method.apply(this, redactArguments(args) as Parameters<pino.LogFn>);
}

/**
 * Log calls are `(message, ...values)` or `(object, message?, ...values)`. The object is left to
 * `formatters.log`; strings and interpolation values are masked one by one. When pino would take
 * the message from an error (`logger.error(err)`, `logger.error({ err })`) we pass it explicitly,
 * masked, because that message never goes through this hook otherwise.
 */
function redactArguments(args: readonly unknown[]): unknown[] {
  const [first, ...rest] = args;
  if (typeof first !== 'object' || first === null) return args.map(redactValue);
  const message = rest.length > 0 ? rest[0] : impliedMessage(first);
  if (message === undefined) return [first];
  return [first, redactValue(message), ...rest.slice(1).map(redactValue)];
}

function impliedMessage(merged: object): unknown {
  if (merged instanceof Error) return merged.message;
  const { err, msg } = merged as { err?: unknown; msg?: unknown };
  if (msg !== undefined || typeof err !== 'object' || err === null) return undefined;
  return (err as { message?: unknown }).message;
}

/**
 * pino runs `formatters.bindings` over the root logger's own bindings only; a child's bindings
 * are written as given (pino/lib/proto.js resets the bindings formatter for children). Children
 * inherit methods from their parent, so wrapping `child` and `setBindings` on the root masks
 * bindings at every depth, including `req.log`'s.
 */
function redactLaterBindings(root: Logger): void {
  const createChild = root.child;
  const replaceBindings = root.setBindings;
  root.child = function child<ChildLevels extends string = never>(
    this: Logger,
    bindings: pino.Bindings,
    childOptions?: pino.ChildLoggerOptions<ChildLevels>,
  ): pino.Logger<ChildLevels> {
    return Reflect.apply(createChild, this, [redactFields(bindings), childOptions]) as pino.Logger<ChildLevels>;
  };
  root.setBindings = function setBindings(this: Logger, bindings: pino.Bindings) {
    Reflect.apply(replaceBindings, this, [redactFields(bindings)]);
  };
}

/** Paths polled by load balancers and Prometheus: their successes are logged at debug only. */
const PROBE_PATHS: ReadonlySet<string> = new Set(['/health', '/metrics']);
/** A caller's `X-Request-Id` is kept when it looks like an id; anything else gets a fresh UUID. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

declare module 'node:http' {
  interface IncomingMessage {
    /** The request's logger, carrying its `requestId` (set by `createHttpLogger`). */
    log: Logger;
  }
}

/** Request logging middleware for node's `http` server and express (`next` is optional). */
export type HttpLogger = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

/**
 * Express/node middleware logging one line per finished request: `requestId`, `req.method`,
 * `req.path` (no query string: Twilio puts phone numbers there), `res.statusCode` and
 * `responseTime` in milliseconds; never headers or bodies. Level by outcome: 5xx error, 4xx
 * warn, else info, and debug for successful `/health` and `/metrics` polls. `req.log` is a child
 * carrying `requestId`, which is also echoed in the `X-Request-Id` response header.
 *
 * The lines are pino-http's (`request completed`, `request aborted`, `request errored` with
 * `err`); unlike pino-http, nothing is built per request unless it is written: `req.log` is
 * made when first used, and the line only when its level is enabled (webhook throughput).
 */
export function createHttpLogger(logger: Logger): HttpLogger {
  return (req, res, next) => {
    const requestId = assignRequestId(req, res);
    const startedAt = Date.now();
    let requestLogger: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: true,
      get: () => (requestLogger ??= logger.child({ requestId })),
    });
    const finished = (error?: Error): void => {
      res.off('close', finished);
      res.off('finish', finished);
      res.off('error', finished);
      logFinished(logger, req, res, { requestId, responseTime: Date.now() - startedAt }, error);
    };
    res.on('close', finished);
    res.on('finish', finished);
    res.on('error', finished);
    next?.();
  };
}

function logFinished(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  fields: { requestId: string; responseTime: number },
  error: Error | undefined,
): void {
  const level = levelForResponse(req, res, error);
  if (level === 'silent' || !logger.isLevelEnabled(level)) return;
  if (error !== undefined || res.statusCode >= 500) {
    const err = error ?? new Error(`failed with status code ${res.statusCode}`);
    logger[level]({ ...fields, req, res, err }, 'request errored');
    return;
  }
  logger[level]({ ...fields, req, res }, !req.readableAborted && res.writableEnded ? 'request completed' : 'request aborted');
}

function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const offered = req.headers['x-request-id'];
  const requestId = typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  return requestId;
}

function levelForResponse(req: IncomingMessage, res: ServerResponse, error?: Error): pino.LevelWithSilent {
  if (error !== undefined || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'warn';
  return PROBE_PATHS.has(requestPath(req)) ? 'debug' : 'info';
}

/** Receives pino's mapped request (or a raw one when logged directly); both carry these fields. */
interface RequestFields {
  method?: unknown;
  url?: unknown;
  originalUrl?: unknown;
}

function serializeRequest(req: RequestFields): { method: string; path: string } {
  return { method: String(req.method), path: redactText(requestPath(req)) };
}

function serializeResponse(res: { statusCode?: unknown }): { statusCode: unknown } {
  return { statusCode: res.statusCode };
}

/** The decoded path without the query string; express's `originalUrl` survives sub-routers. */
function requestPath(req: RequestFields): string {
  const url = typeof req.originalUrl === 'string' ? req.originalUrl : typeof req.url === 'string' ? req.url : '';
  const path = url.split('?', 1)[0] ?? '';
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
