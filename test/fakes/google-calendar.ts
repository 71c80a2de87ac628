import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake of the two Google endpoints Frontdesk uses, over plain HTTP on 127.0.0.1:
 *
 * - OAuth `POST /token` with the jwt-bearer grant (what google-auth-library's JWT client sends);
 * - Calendar v3 `freeBusy` and `events` insert/get/patch/delete, with Google's error bodies.
 *
 * Behaviour copied from Google: an event id chosen by the client is unique per calendar forever,
 * so re-inserting it answers 409 `duplicate` even after the event was deleted; a deleted event
 * answers 410 `deleted` to GET and DELETE. Calendar calls need the bearer token `/token` issued.
 */

export interface RecordedRequest {
  method: string;
  /** Path without the query string, still URL-encoded as sent. */
  path: string;
  query: Record<string, string>;
  /** JSON bodies parsed; form bodies (the token request) as an object; otherwise the raw text. */
  body: unknown;
  /** The `Authorization` header as received. */
  authorization: string | undefined;
}

export interface FakeEventTime {
  dateTime: string;
  timeZone?: string;
}

export interface FakeEvent {
  id: string;
  status: 'confirmed' | 'cancelled';
  summary?: string;
  description?: string;
  start: FakeEventTime;
  end: FakeEventTime;
  transparency?: 'opaque' | 'transparent';
  extendedProperties?: { private?: Record<string, string> };
  created: string;
  updated: string;
  /** Number of writes (insert = 1, each patch adds 1). */
  sequence: number;
}

export interface BusyInterval {
  start: Date;
  end: Date;
}

export interface FakeGoogleCalendar {
  /** Origin, e.g. `http://127.0.0.1:41234`: both GOOGLE_API_URL and GOOGLE_TOKEN_URL. */
  readonly url: string;
  /** The access token `/token` issues and calendar calls must carry. */
  readonly accessToken: string;
  readonly requests: readonly RecordedRequest[];
  /** Events of a calendar, deleted ones included (status `cancelled`), in insertion order. */
  events(calendarId: string): FakeEvent[];
  /** Delay before every answer, in ms. */
  latencyMs: number;
  /** The next `count` requests (any endpoint) answer `status` with Google's error body. */
  failNext(count: number, status: number): void;
  /** The next `count` requests (any endpoint) are read and never answered. */
  hangNext(count: number): void;
  /** Busy times freeBusy reports for the calendar besides its own events; replaces earlier ones. */
  setBusy(calendarId: string, intervals: readonly BusyInterval[]): void;
  /** While on, `/token` answers 400 `invalid_grant` (a revoked or misconfigured delegation). */
  invalidGrant(on: boolean): void;
  close(): Promise<void>;
}

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** base32hex as Google requires for client-chosen event ids. */
const EVENT_ID = /^[a-v0-9]{5,1024}$/;
const EVENTS_PATH = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/;

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

/** Google's JSON error envelope (https://developers.google.com/calendar/api/guides/errors). */
function googleError(status: number, reason: string, message: string): HttpFailure {
  return new HttpFailure(status, {
    error: { code: status, message, errors: [{ domain: 'global', reason, message }] },
  });
}

const cannedFailures: Record<number, [reason: string, message: string]> = {
  400: ['badRequest', 'Bad Request'],
  401: ['authError', 'Invalid Credentials'],
  403: ['rateLimitExceeded', 'Rate Limit Exceeded'],
  404: ['notFound', 'Not Found'],
  408: ['timeout', 'Request Timeout'],
  409: ['conflict', 'Conflict'],
  429: ['rateLimitExceeded', 'Rate Limit Exceeded'],
  500: ['backendError', 'Backend Error'],
  502: ['backendError', 'Bad Gateway'],
  503: ['backendError', 'Service Unavailable'],
};

function injectedFailure(status: number): HttpFailure {
  const [reason, message] = cannedFailures[status] ?? ['backendError', `Injected ${status}`];
  return googleError(status, reason, message);
}

export async function startFakeGoogleCalendar(): Promise<FakeGoogleCalendar> {
  const requests: RecordedRequest[] = [];
  const calendars = new Map<string, Map<string, FakeEvent>>();
  const busy = new Map<string, BusyInterval[]>();
  const accessToken = `ya29.fake-${randomBytes(12).toString('hex')}`;
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  let hangs = 0;
  let grantInvalid = false;

  const calendar = (id: string): Map<string, FakeEvent> => {
    let events = calendars.get(id);
    if (events === undefined) {
      events = new Map();
      calendars.set(id, events);
    }
    return events;
  };

  const state = { latencyMs: 0 };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const raw = await readBody(req);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parseBody(raw, req.headers['content-type']),
      authorization: req.headers.authorization,
    };
    requests.push(recorded);

    if (hangs > 0) {
      hangs -= 1;
      return;
    }
    if (state.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, state.latencyMs));
    try {
      if (failures.count > 0) {
        failures.count -= 1;
        throw injectedFailure(failures.status);
      }
      const answer = route(recorded);
      if (answer === undefined) {
        res.writeHead(204).end();
      } else {
        sendJson(res, 200, answer);
      }
    } catch (error) {
      if (!(error instanceof HttpFailure)) throw error;
      sendJson(res, error.status, error.body);
    }
  }

  function route(request: RecordedRequest): unknown {
    if (request.path === '/token' && request.method === 'POST') return token(request);
    if (!request.path.startsWith('/calendar/v3/')) throw googleError(404, 'notFound', 'Not Found');
    if (request.authorization !== `Bearer ${accessToken}`) {
      throw googleError(401, 'authError', 'Invalid Credentials');
    }
    if (request.path === '/calendar/v3/freeBusy' && request.method === 'POST') return freeBusy(request.body);
    const match = EVENTS_PATH.exec(request.path);
    if (match === null) throw googleError(404, 'notFound', 'Not Found');
    const calendarId = decodeURIComponent(match[1]!);
    const eventId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    if (eventId === undefined) {
      if (request.method === 'POST') return insert(calendarId, request.body);
    } else if (request.method === 'GET') {
      return live(calendarId, eventId);
    } else if (request.method === 'PATCH') {
      return patch(calendarId, eventId, request.body);
    } else if (request.method === 'DELETE') {
      remove(calendarId, eventId);
      return undefined;
    }
    throw googleError(405, 'httpMethodNotAllowed', 'Method Not Allowed');
  }

  function token(request: RecordedRequest): unknown {
    const body = request.body as Record<string, string> | undefined;
    if (body?.grant_type !== JWT_BEARER_GRANT || typeof body.assertion !== 'string') {
      throw new HttpFailure(400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' });
    }
    if (body.assertion.split('.').length !== 3) {
      throw new HttpFailure(400, { error: 'invalid_request', error_description: 'Invalid JWT: malformed' });
    }
    if (grantInvalid) {
      throw new HttpFailure(400, {
        error: 'invalid_grant',
        error_description: 'Not a valid email or user ID.',
      });
    }
    return { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' };
  }

  function freeBusy(body: unknown): unknown {
    const { timeMin, timeMax, items } = body as { timeMin?: string; timeMax?: string; items?: { id?: string }[] };
    const from = Date.parse(timeMin ?? '');
    const to = Date.parse(timeMax ?? '');
    if (!Number.isFinite(from) || !Number.isFinite(to) || !Array.isArray(items)) {
      throw googleError(400, 'badRequest', 'Bad Request');
    }
    const result: Record<string, { busy: { start: string; end: string }[] }> = {};
    for (const { id } of items) {
      if (id === undefined) continue;
      const spans = [
        ...(busy.get(id) ?? []).map((interval) => ({ start: interval.start.getTime(), end: interval.end.getTime() })),
        ...[...calendar(id).values()]
          .filter((event) => event.status === 'confirmed' && event.transparency !== 'transparent')
          .map((event) => ({ start: Date.parse(event.start.dateTime), end: Date.parse(event.end.dateTime) })),
      ]
        .filter((span) => span.start < to && span.end > from)
        .sort((a, b) => a.start - b.start)
        .map((span) => ({
          start: new Date(Math.max(span.start, from)).toISOString(),
          end: new Date(Math.min(span.end, to)).toISOString(),
        }));
      result[id] = { busy: spans };
    }
    return { kind: 'calendar#freeBusy', timeMin, timeMax, calendars: result };
  }

  function insert(calendarId: string, body: unknown): FakeEvent {
    const input = body as Partial<FakeEvent> | undefined;
    const id = input?.id ?? randomBytes(16).toString('hex');
    if (!EVENT_ID.test(id)) throw googleError(400, 'invalid', 'Invalid resource id value.');
    if (input?.start?.dateTime === undefined || input.end?.dateTime === undefined) {
      throw googleError(400, 'required', 'Missing end time.');
    }
    const events = calendar(calendarId);
    if (events.has(id)) throw googleError(409, 'duplicate', 'The requested identifier already exists.');
    const now = new Date().toISOString();
    const event: FakeEvent = {
      ...input,
      id,
      status: 'confirmed',
      start: input.start,
      end: input.end,
      created: now,
      updated: now,
      sequence: 1,
    };
    events.set(id, event);
    return event;
  }

  function existing(calendarId: string, eventId: string): FakeEvent {
    const event = calendar(calendarId).get(eventId);
    if (event === undefined) throw googleError(404, 'notFound', 'Not Found');
    return event;
  }

  function live(calendarId: string, eventId: string): FakeEvent {
    const event = existing(calendarId, eventId);
    if (event.status === 'cancelled') throw googleError(410, 'deleted', 'Resource has been deleted');
    return event;
  }

  /** A patch may set `status: 'confirmed'` on a deleted event, which restores it (as Google does). */
  function patch(calendarId: string, eventId: string, body: unknown): FakeEvent {
    const event = existing(calendarId, eventId);
    const changes = (body ?? {}) as Partial<FakeEvent>;
    if (changes.id !== undefined && changes.id !== eventId) throw googleError(400, 'invalid', 'Invalid resource id value.');
    Object.assign(event, changes, { id: eventId, updated: new Date().toISOString(), sequence: event.sequence + 1 });
    return event;
  }

  function remove(calendarId: string, eventId: string): void {
    const event = live(calendarId, eventId);
    event.status = 'cancelled';
    event.updated = new Date().toISOString();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 500, message: String(error) } });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accessToken,
    requests,
    events: (calendarId) => [...calendar(calendarId).values()].map((event) => structuredClone(event)),
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(value: number) {
      state.latencyMs = value;
    },
    failNext(count, status) {
      failures = { count, status };
    },
    hangNext(count) {
      hangs = count;
    },
    setBusy(calendarId, intervals) {
      busy.set(calendarId, intervals.map((interval) => ({ ...interval })));
    },
    invalidGrant(on) {
      grantInvalid = on;
    },
    async close() {
      const closed = once(server, 'close');
      server.close();
      // Hung requests would otherwise keep the server open forever.
      server.closeAllConnections();
      await closed;
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
