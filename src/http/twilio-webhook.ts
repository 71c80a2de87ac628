import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { formatIssues } from '../config/format-issues.js';
import {
  fingerprint,
  type IdempotencyLedger,
  type LedgerKey,
  type LedgerOutcome,
  type LedgerWork,
  type OneStatementWork,
  type StoredResponse,
} from '../resilience/idempotency-ledger.js';
import { withinDeadline } from '../resilience/deadline.js';
import { InFlightEvents } from '../resilience/in-flight-events.js';
import { OneAtATime } from '../resilience/one-at-a-time.js';
import { asConcurrentUpdate, ConcurrentUpdate } from '../storage/concurrent-update.js';
import type { LedgerEvent } from '../storage/stored-answers.js';
import { HttpError } from './errors.js';
import { formBody, isFormRequest } from './form-body.js';
import { isTwilioSignature } from './twilio-signature.js';

export const WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;

export interface TwilioWebhookContext {
  publicUrl: string;
  authToken: string;
  ledger: IdempotencyLedger;
  logger: Logger;
  onReplay(route: string): void;
  /** Every answered request, including refusals, by route template and status code. */
  onResponse(route: string, status: number): void;
}

interface TwilioWebhookRoute<Params, Prepared> {
  /** The route template, used in metrics and the ledger. */
  route: string;
  /** Checked against the form body merged with the query string (the body wins). */
  params: z.ZodType<Params>;
  /** The provider's id for this event: the idempotency key. */
  eventId(params: Params): string;
  /**
   * Work that must not run inside the ledger's transaction because it uses other connections
   * (a dialog turn talks to scheduling). Runs only for an event not answered before; its result
   * is handed to `handle`, which saves it. When `handle` throws `ConcurrentUpdate` (another turn
   * of the same conversation won), both run again on fresh state.
   */
  prepare?(params: Params, event: LedgerEvent): Promise<Prepared>;
  /**
   * With `prepare`: `prepare` looks `event` up in the ledger itself, in the first statement it
   * runs anyway (a round trip fewer), and runs nothing else when it was answered; this gives
   * that answer. Without it, the ledger is asked before `prepare`.
   */
  answeredBefore?(prepared: Prepared): StoredResponse | undefined;
  /**
   * Turns with the same key (one customer's text thread) run one at a time in this process, so
   * they do not race for the conversation; other processes are still kept right by `prepare`'s
   * version check.
   */
  oneAtATimeBy?(params: Params): string;
  /** Runs before anything is parsed (rate limits); its refusals are counted like any answer. */
  guard?: RequestHandler;
  /** Answer when the handler fails (e.g. Postgres is down); nothing was stored. */
  fallback?(params: Params, error: unknown): StoredResponse;
  /**
   * With `fallback`: answer the fallback when the handler has not finished by then. Twilio waits
   * 15 s for a voice webhook and then plays the caller an error; a database that accepts
   * connections but never answers would otherwise hold the caller that long. The handler keeps
   * running: if it commits later, its stored answer serves Twilio's retries.
   */
  answerWithinMs?: number;
}

/** The event's work, in the ledger's transaction. */
interface TransactionWork<Params, Prepared> {
  handle(params: Params, work: LedgerWork, prepared: Prepared): Promise<StoredResponse>;
  statement?: undefined;
}

/**
 * The event's work as one statement whose answer is known before it runs: claim, work and
 * answer commit in that statement (`IdempotencyLedger.onceInOneStatement`), one round trip
 * instead of a transaction's five. A step guarded by `refuseStaleWriteSql` aborts the whole
 * statement when its row moved on; that is a `ConcurrentUpdate` (the work is prepared again).
 */
interface StatementWork<Params, Prepared> {
  statement(params: Params, prepared: Prepared): OneStatementWork;
  handle?: undefined;
}

export type TwilioWebhookSpec<Params, Prepared = undefined> = TwilioWebhookRoute<Params, Prepared> &
  (TransactionWork<Params, Prepared> | StatementWork<Params, Prepared>);

/** The exact URL Twilio called: our public origin plus the path and query it requested. */
export function publicRequestUrl(publicUrl: string, req: Request): string {
  return `${publicUrl}${req.originalUrl}`;
}

function verifySignature(context: TwilioWebhookContext, req: Request): void {
  const signature = req.header('x-twilio-signature');
  if (!signature) throw new HttpError('invalid_signature', 'X-Twilio-Signature header is missing');
  const url = publicRequestUrl(context.publicUrl, req);
  if (!isTwilioSignature(context.authToken, signature, url, req.body ?? {})) {
    throw new HttpError(
      'invalid_signature',
      'X-Twilio-Signature does not match; check TWILIO_AUTH_TOKEN and that PUBLIC_URL is the URL Twilio calls',
    );
  }
}

function requireFormBody(req: Request): void {
  if (!isFormRequest(req)) {
    throw new HttpError('unsupported_media_type', 'Twilio webhooks must be application/x-www-form-urlencoded');
  }
}

/**
 * The stored answer as it was first sent. Written directly rather than through Express's
 * `res.send`, which hashes every body for an ETag that no webhook caller uses; the headers are
 * the ones `res.send` wrote (`; charset=utf-8` added to the type, none for a 204).
 */
function send(res: Response, response: StoredResponse): void {
  res.statusCode = response.status;
  if (response.status === 204) {
    res.end();
    return;
  }
  const type = response.contentType.includes('charset=') ? response.contentType : `${response.contentType}; charset=utf-8`;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(response.body));
  res.end(response.body);
}

/**
 * Parse → verify → validate → run once. A bad signature is refused before anything is read
 * from or written to the database; a replay returns the stored answer byte for byte.
 */
export function twilioWebhook<Params, Prepared = undefined>(
  context: TwilioWebhookContext,
  spec: TwilioWebhookSpec<Params, Prepared>,
): RequestHandler[] {
  const count: RequestHandler = (_req, res, next) => {
    res.on('finish', () => context.onResponse(spec.route, res.statusCode));
    next();
  };
  const parse = formBody({ limitBytes: WEBHOOK_BODY_LIMIT_BYTES, parameterLimit: 200 });
  const inFlight = new InFlightEvents<{ outcome: LedgerOutcome; body: Record<string, unknown> }>();
  const turns = new OneAtATime();
  const handler: RequestHandler = async (req, res, next) => {
    try {
      requireFormBody(req);
      verifySignature(context, req);
    } catch (error) {
      next(error);
      return;
    }
    // Most webhook URLs carry no query string; Express's `req.query` parses the URL to find that out.
    const query: unknown = req.url.includes('?') ? req.query : undefined;
    const parsed = spec.params.safeParse({ ...(query as object | undefined), ...req.body });
    if (!parsed.success) {
      next(new HttpError('invalid_parameters', formatIssues(parsed.error.issues, spec.route)));
      return;
    }
    const params = parsed.data;
    const body: Record<string, unknown> = req.body;
    try {
      const run = () => runOnce(context, spec, params, body);
      const answering = inFlight.run(spec.eventId(params), async () => ({
        outcome: await (spec.oneAtATimeBy ? turns.run(spec.oneAtATimeBy(params), run) : run()),
        body,
      }));
      const answered = await withinDeadline(answering, spec.fallback ? spec.answerWithinMs : undefined);
      if (!answered) {
        answerLate(context, spec, answering);
        send(res, spec.fallback!(params, new Error(`not answered within ${spec.answerWithinMs} ms`)));
        return;
      }
      // A duplicate that arrived while the first was running is a replay of the first's answer.
      const { value, shared } = answered;
      const outcome: LedgerOutcome = shared
        ? { response: value.outcome.response, replayed: true, sameRequest: fingerprint(value.body) === fingerprint(body) }
        : value.outcome;
      if (outcome.replayed) {
        context.onReplay(spec.route);
        if (!outcome.sameRequest) {
          context.logger.warn({ route: spec.route }, 'webhook replay carried different parameters; answered with the first response');
        }
      }
      send(res, outcome.response);
    } catch (error) {
      if (!spec.fallback) {
        next(error);
        return;
      }
      context.logger.error({ err: error, route: spec.route }, 'webhook handler failed; answered with the fallback');
      send(res, spec.fallback(params, error));
    }
  };
  return spec.guard ? [count, spec.guard, parse, handler] : [count, parse, handler];
}

/** The caller already has the fallback; the work's end is only logged. */
function answerLate(context: TwilioWebhookContext, spec: { route: string; answerWithinMs?: number }, answering: Promise<unknown>): void {
  context.logger.warn({ route: spec.route, deadlineMs: spec.answerWithinMs }, 'webhook not answered in time; answered with the fallback');
  answering.then(
    () => context.logger.info({ route: spec.route }, 'webhook handler finished after its fallback was sent'),
    (error: unknown) => context.logger.error({ err: error, route: spec.route }, 'webhook handler failed after its fallback was sent'),
  );
}

/** Tries for a turn that keeps losing its conversation to turns in other processes. */
const CONCURRENT_TURN_ATTEMPTS = 5;

async function runOnce<Params, Prepared>(
  context: TwilioWebhookContext,
  spec: TwilioWebhookSpec<Params, Prepared>,
  params: Params,
  body: Record<string, unknown>,
): Promise<LedgerOutcome> {
  const key = { provider: 'twilio', eventId: spec.eventId(params), route: spec.route, params: body };
  if (!spec.prepare) return runWork(context.ledger, key, spec, params, undefined as Prepared);
  for (let attempt = 1; ; attempt += 1) {
    if (!spec.answeredBefore) {
      const answered = await context.ledger.find(key);
      if (answered) return { response: answered, replayed: true, sameRequest: true };
    }
    const prepared = await spec.prepare(params, key);
    const answered = spec.answeredBefore?.(prepared);
    if (answered) return { response: answered, replayed: true, sameRequest: true };
    try {
      return await runWork(context.ledger, key, spec, params, prepared);
    } catch (error) {
      if (!(error instanceof ConcurrentUpdate) || attempt >= CONCURRENT_TURN_ATTEMPTS) throw error;
      context.logger.info({ route: spec.route, attempt }, 'another turn of this conversation won; running the turn again');
    }
  }
}

async function runWork<Params, Prepared>(
  ledger: IdempotencyLedger,
  key: LedgerKey,
  spec: TransactionWork<Params, Prepared> | StatementWork<Params, Prepared>,
  params: Params,
  prepared: Prepared,
): Promise<LedgerOutcome> {
  if (!spec.statement) return ledger.once(key, (work) => spec.handle(params, work, prepared));
  try {
    return await ledger.onceInOneStatement(key, spec.statement(params, prepared));
  } catch (error) {
    // A statement whose save found its row moved on aborted itself (`refuseStaleWriteSql`).
    throw asConcurrentUpdate(error);
  }
}
