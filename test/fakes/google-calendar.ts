import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime, IANAZone } from 'luxon';

/**
 * A fake of the two Google endpoints Frontdesk uses, over plain HTTP on 127.0.0.1:
 *
 * - OAuth `POST /token` with the jwt-bearer grant (what google-auth-library's JWT client sends);
 * - Calendar v3 `events` list/insert/get/patch/delete and `freeBusy`, with Google's error bodies.
 *
 * Behaviour copied from Google: an event id chosen by the client is unique per calendar forever,
 * so re-inserting it answers 409 `duplicate` even after the event was deleted; a deleted event
 * answers 410 `deleted` to GET and DELETE. Calendar calls need the bearer token `/token` issued.
 * `events.list` pages with opaque tokens that only fit the query they came from, and interprets
 * all-day dates in the calendar's time zone (https://developers.google.com/calendar/api/v3/reference/events/list).
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

/** An all-day event's day (`date`, `yyyy-mm-dd`; the end day is exclusive) or a timed event's instant (`dateTime`). */
export interface ForeignEventTime {
  date?: string;
  dateTime?: string;
  timeZone?: string;
}

/** An event some other client (the staff member's phone, a colleague) put on the calendar. */
export interface ForeignEvent {
  status?: 'confirmed' | 'tentative' | 'cancelled';
  summary?: string;
  start: ForeignEventTime;
  end: ForeignEventTime;
  transparency?: 'opaque' | 'transparent';
  extendedProperties?: { private?: Record<string, string> };
  attendees?: { email: string; self?: boolean; responseStatus?: 'needsAction' | 'declined' | 'tentative' | 'accepted' }[];
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
  /**
   * Opaque events of someone else's making, one per interval, besides the calendar's other
   * events (events.list and freeBusy both show them); replaces the intervals set earlier.
   */
  setBusy(calendarId: string, intervals: readonly BusyInterval[]): void;
  /** Puts an event as another client would (all-day ones too); events.list shows it. Returns its id. */
  addForeignEvent(calendarId: string, event: ForeignEvent): string;
  /** The calendar's time zone: all-day events' days, and `timeZone` of events.list. Default: UTC. */
  setTimeZone(calendarId: string, timeZone: string): void;
  /** The most events one events.list page holds, whatever `maxResults` asks. Default: 2500, Google's cap. */
  pageSize: number;
  /** While on, `/token` answers 400 `invalid_grant` (a revoked or misconfigured delegation). */
  invalidGrant(on: boolean): void;
  close(): Promise<void>;
}

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** base32hex as Google requires for client-chosen event ids. */
const EVENT_ID = /^[a-v0-9]{5,1024}$/;
const EVENTS_PATH = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/;
/** events.list's default and largest `maxResults`. */
const DEFAULT_PAGE_SIZE = 250;
const MAX_PAGE_SIZE = 2500;
/** RFC 3339 with the offset events.list insists on for timeMin/timeMax. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
/** The filters of a list query; a page token is only good for the same ones. */
const LIST_FILTERS = ['timeMin', 'timeMax', 'singleEvents', 'showDeleted'] as const;

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
  const foreign = new Map<string, Map<string, ForeignEvent>>();
  const busyIds = new Map<string, string[]>();
  const timeZones = new Map<string, string>();
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

  const foreignEvents = (id: string): Map<string, ForeignEvent> => {
    let events = foreign.get(id);
    if (events === undefined) {
      events = new Map();
      foreign.set(id, events);
    }
    return events;
  };

  const timeZoneOf = (calendarId: string): string => timeZones.get(calendarId) ?? 'UTC';

  const state = { latencyMs: 0, pageSize: MAX_PAGE_SIZE };

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
      if (request.method === 'GET') return list(calendarId, request.query);
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

  /** Every event of the calendar as events.list returns it, deleted ones included, soonest first. */
  function allEvents(calendarId: string): ListedEvent[] {
    const zone = timeZoneOf(calendarId);
    const events = [
      ...[...calendar(calendarId).values()].map((event) => listed(event.id, event, zone)),
      ...[...foreignEvents(calendarId)].map(([id, event]) => listed(id, event, zone)),
    ];
    return events.sort((a, b) => a.span.start - b.span.start || (a.event.id < b.event.id ? -1 : 1));
  }

  function list(calendarId: string, query: Record<string, string>): unknown {
    const from = query.timeMin === undefined ? Number.NEGATIVE_INFINITY : listBound(query.timeMin, 'timeMin');
    const to = query.timeMax === undefined ? Number.POSITIVE_INFINITY : listBound(query.timeMax, 'timeMax');
    if (from >= to) throw googleError(400, 'timeRangeEmpty', 'The specified time range is empty.');
    const showDeleted = listFlag(query.showDeleted, 'showDeleted');
    listFlag(query.singleEvents, 'singleEvents');
    const maxResults = query.maxResults === undefined ? DEFAULT_PAGE_SIZE : Number(query.maxResults);
    if (!Number.isInteger(maxResults) || maxResults < 1) throw googleError(400, 'invalid', 'Invalid value for: maxResults');
    const filters = JSON.stringify(LIST_FILTERS.map((name) => query[name] ?? null));
    const offset = query.pageToken === undefined ? 0 : pageOffset(query.pageToken, filters);

    // Google's bounds: an event is listed when it ends after timeMin and starts before timeMax.
    const matching = allEvents(calendarId)
      .filter(({ event }) => showDeleted || event.status !== 'cancelled')
      .filter(({ span }) => span.end > from && span.start < to);
    const size = Math.min(maxResults, MAX_PAGE_SIZE, state.pageSize);
    const items = matching.slice(offset, offset + size).map(({ event }) => structuredClone(event));
    const more = offset + size < matching.length;
    return {
      kind: 'calendar#events',
      etag: '"fake"',
      summary: calendarId,
      updated: new Date().toISOString(),
      timeZone: timeZoneOf(calendarId),
      accessRole: 'owner',
      defaultReminders: [],
      ...(more
        ? { nextPageToken: Buffer.from(JSON.stringify({ offset: offset + size, filters })).toString('base64url') }
        : { nextSyncToken: `sync-${randomBytes(6).toString('hex')}` }),
      items,
    };
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
      const spans = allEvents(id)
        .filter(({ event, declined }) => event.status !== 'cancelled' && event.transparency !== 'transparent' && !declined)
        .map(({ span }) => span)
        .filter((span) => span.start < to && span.end > from)
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
    get pageSize() {
      return state.pageSize;
    },
    set pageSize(value: number) {
      state.pageSize = value;
    },
    setBusy(calendarId, intervals) {
      const events = foreignEvents(calendarId);
      for (const id of busyIds.get(calendarId) ?? []) events.delete(id);
      busyIds.set(
        calendarId,
        intervals.map((interval) => {
          const id = randomBytes(16).toString('hex');
          events.set(id, {
            status: 'confirmed',
            summary: 'Busy',
            start: { dateTime: interval.start.toISOString() },
            end: { dateTime: interval.end.toISOString() },
            transparency: 'opaque',
          });
          return id;
        }),
      );
    },
    addForeignEvent(calendarId, event) {
      const id = randomBytes(16).toString('hex');
      foreignEvents(calendarId).set(id, structuredClone(event));
      return id;
    },
    setTimeZone(calendarId, timeZone) {
      if (!IANAZone.isValidZone(timeZone)) throw new RangeError(`setTimeZone: ${timeZone} is not an IANA zone`);
      timeZones.set(calendarId, timeZone);
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

interface ListedEvent {
  /** The event as events.list answers it. */
  event: { id: string; status: string; transparency?: string };
  /** Its time in epoch ms, all-day dates resolved in the calendar's (or the event's) zone. */
  span: { start: number; end: number };
  /** The calendar's owner said no: freeBusy does not count it. */
  declined: boolean;
}

function listed(id: string, event: FakeEvent | ForeignEvent, calendarZone: string): ListedEvent {
  const start = instant(event.start, calendarZone);
  const end = instant(event.end, calendarZone);
  const attendees = 'attendees' in event ? (event.attendees ?? []) : [];
  const declined = attendees.some((attendee) => attendee.self === true && attendee.responseStatus === 'declined');
  return { event: { ...event, id, status: event.status ?? 'confirmed' }, span: { start, end }, declined };
}

function instant(time: ForeignEventTime, calendarZone: string): number {
  const zone = time.timeZone ?? calendarZone;
  const parsed = DateTime.fromISO(time.dateTime ?? time.date ?? '', { zone });
  if (!parsed.isValid) throw new Error(`fake Google Calendar: unreadable event time ${JSON.stringify(time)}`);
  return parsed.toMillis();
}

function listBound(value: string, name: string): number {
  const time = Date.parse(value);
  if (!RFC3339.test(value) || !Number.isFinite(time)) throw googleError(400, 'badRequest', `Bad Request: ${name}`);
  return time;
}

function listFlag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw googleError(400, 'invalid', `Invalid value for: ${name}`);
}

function pageOffset(pageToken: string, filters: string): number {
  try {
    const token = JSON.parse(Buffer.from(pageToken, 'base64url').toString('utf8')) as { offset?: unknown; filters?: unknown };
    if (typeof token.offset === 'number' && token.filters === filters) return token.offset;
  } catch {
    // falls through to Google's answer for a token it did not issue
  }
  throw googleError(400, 'invalid', 'Invalid page token value.');
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
