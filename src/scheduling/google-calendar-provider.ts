import { google as googleapis, type calendar_v3 } from 'googleapis';
import type { Logger } from '../observability/logger.js';
import type { VendorPolicy } from '../resilience/vendor-policy.js';
import type { CalendarEvent, CalendarProvider } from './calendar-provider.js';
import {
  AuthorizationTracker,
  createGoogleAuth,
  GoogleAuthorizationError,
  readServiceAccount,
  type AuthorizationStatus,
  type GoogleAuth,
} from './google-auth.js';
import { mergeIntervals, type Interval } from './interval.js';

export { GoogleAuthorizationError, type AuthorizationStatus } from './google-auth.js';

/**
 * Google Calendar through `googleapis` (PROTOCOLS.md, "Google Calendar"). Every request goes
 * through the vendor policy; the SDK's own retries are off. Writes are idempotent by
 * construction: the event id is derived from the booking id, an insert that answers 409 means
 * the event exists (Google keeps ids of deleted events too) and becomes a patch, and a delete of
 * an event already gone (404/410) is done.
 */

export interface GoogleCalendarProviderOptions {
  /** Path of the service-account JSON key (GOOGLE_CALENDAR_CREDENTIALS); read once, now. */
  credentialsFile: string;
  /** User to impersonate through domain-wide delegation. Default: the service account itself. */
  subject?: string;
  /** Origin standing in for https://www.googleapis.com (GOOGLE_API_URL). */
  apiUrl?: string;
  /** Origin standing in for https://oauth2.googleapis.com (GOOGLE_TOKEN_URL). */
  tokenUrl?: string;
  /** The `google_calendar` policy; should have retries for the idempotent calls made here. */
  policy: VendorPolicy;
  logger: Logger;
  /** How long a free/busy answer is reused for the same calendars and window, in ms. Default: 30 000. */
  busyCacheMs?: number;
}

export interface GoogleCalendarProvider extends CalendarProvider {
  readonly name: 'google';
  /** Whether Google accepted our credentials the last time we asked; true until it refuses. */
  authorization(): AuthorizationStatus;
}

/** A request Google answered with an error (or never answered), in our terms. */
export class GoogleCalendarError extends Error {
  override readonly name = 'GoogleCalendarError';

  constructor(
    message: string,
    /** HTTP status, or undefined when there was no response (network error, abort). */
    readonly status: number | undefined,
    /** Google's `errors[0].reason` (`duplicate`, `notFound`, `rateLimitExceeded`…) or the network error code. */
    readonly reason: string | undefined,
    /** False when the request itself was wrong: retrying it cannot succeed. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** Google's event id for a booking: the uuid's hex digits, which are valid base32hex (`[a-v0-9]`). */
export function googleEventId(bookingId: string): string {
  const id = bookingId.replaceAll('-', '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(id)) {
    throw new RangeError(`googleEventId: booking id ${JSON.stringify(bookingId)} is not a uuid`);
  }
  return id;
}

const DEFAULT_BUSY_CACHE_MS = 30_000;
/** 403 reasons that mean "slow down", not "forbidden" (https://developers.google.com/calendar/api/guides/errors). */
const RATE_LIMIT_REASONS: ReadonlySet<string> = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

export function createGoogleCalendarProvider(options: GoogleCalendarProviderOptions): GoogleCalendarProvider {
  const auth = createGoogleAuth({
    account: readServiceAccount(options.credentialsFile),
    ...(options.subject === undefined ? {} : { subject: options.subject }),
    ...(options.tokenUrl === undefined ? {} : { tokenUrl: options.tokenUrl }),
  });
  const google = {
    calendar: googleapis.calendar({
      version: 'v3',
      auth: auth.client,
      retry: false,
      ...(options.apiUrl === undefined ? {} : { rootUrl: options.apiUrl.replace(/\/*$/, '/') }),
    }),
    auth,
    authorization: new AuthorizationTracker(options.logger),
    logger: options.logger,
  };
  const { policy } = options;
  const busyCache = new BusyCache(options.busyCacheMs ?? DEFAULT_BUSY_CACHE_MS);

  return {
    name: 'google',

    async busyTimes(calendarIds, from, to) {
      if (calendarIds.length === 0) return new Map();
      const ids = [...new Set(calendarIds)].sort();
      const busy = await busyCache.get(ids, from, to, () =>
        policy.execute((signal) => queryBusy(google, ids, from, to, signal), { idempotent: true }),
      );
      return new Map(calendarIds.map((id) => [id, (busy.get(id) ?? []).map((interval) => ({ ...interval }))]));
    },

    async putEvent(event) {
      const eventId = googleEventId(event.bookingId);
      if (!(event.start < event.end)) {
        throw new RangeError(`putEvent: booking ${event.bookingId} ends before it starts`);
      }
      await policy.execute((signal) => insertOrPatch(google, event, eventId, signal), { idempotent: true });
      busyCache.clear();
      return eventId;
    },

    async deleteEvent(calendarId, bookingId) {
      const eventId = googleEventId(bookingId);
      await policy.execute((signal) => deleteIfPresent(google, calendarId, eventId, signal), { idempotent: true });
      busyCache.clear();
    },

    authorization: () => google.authorization.status(),
  };
}

/** What one attempt needs; SDK types stay in this file. */
interface Google {
  calendar: calendar_v3.Calendar;
  auth: GoogleAuth;
  authorization: AuthorizationTracker;
  logger: Logger;
}

/** One request of one attempt, with its errors translated and authorization tracked. */
function call<T>(google: Google, operation: string, signal: AbortSignal, request: () => Promise<T>): Promise<T> {
  return google.auth.withSignal(signal, async () => {
    try {
      const result = await request();
      google.authorization.succeeded();
      return result;
    } catch (error) {
      const translated = translate(operation, error);
      if (translated instanceof GoogleAuthorizationError) google.authorization.failed(translated);
      else if (translated.status === 401) google.auth.expireAccessToken();
      throw translated;
    }
  });
}

async function queryBusy(
  google: Google,
  calendarIds: readonly string[],
  from: Date,
  to: Date,
  signal: AbortSignal,
): Promise<Map<string, Interval[]>> {
  const requestBody = {
    timeMin: from.toISOString(),
    timeMax: to.toISOString(),
    timeZone: 'UTC',
    items: calendarIds.map((id) => ({ id })),
  };
  const response = await call(google, 'freeBusy', signal, () =>
    google.calendar.freebusy.query({ requestBody }, { signal }),
  );
  return busyByCalendar(calendarIds, response.data.calendars ?? {}, google.logger);
}

async function insertOrPatch(google: Google, event: CalendarEvent, eventId: string, signal: AbortSignal): Promise<void> {
  const { calendarId } = event;
  const fields = {
    summary: event.summary,
    description: event.description ?? null,
    start: { dateTime: event.start.toISOString(), timeZone: event.timeZone },
    end: { dateTime: event.end.toISOString(), timeZone: event.timeZone },
  };
  const extendedProperties = { private: { frontdeskBookingId: event.bookingId } };
  try {
    await call(google, 'insert event', signal, () =>
      google.calendar.events.insert(
        { calendarId, sendUpdates: 'none', requestBody: { id: eventId, ...fields, extendedProperties } },
        { signal },
      ),
    );
    return;
  } catch (error) {
    if (!(error instanceof GoogleCalendarError && error.status === 409)) throw error;
  }
  // The id exists: an earlier attempt got through, or the booking moved, or it was deleted
  // (Google keeps deleted ids); `status: confirmed` restores a deleted event.
  await call(google, 'patch event', signal, () =>
    google.calendar.events.patch(
      { calendarId, eventId, sendUpdates: 'none', requestBody: { ...fields, status: 'confirmed' } },
      { signal },
    ),
  );
}

async function deleteIfPresent(google: Google, calendarId: string, eventId: string, signal: AbortSignal): Promise<void> {
  try {
    await call(google, 'delete event', signal, () =>
      google.calendar.events.delete({ calendarId, eventId, sendUpdates: 'none' }, { signal }),
    );
  } catch (error) {
    const gone = error instanceof GoogleCalendarError && (error.status === 404 || error.status === 410);
    if (!gone) throw error;
  }
}

function busyByCalendar(
  calendarIds: readonly string[],
  answered: Record<string, calendar_v3.Schema$FreeBusyCalendar>,
  logger: Logger,
): Map<string, Interval[]> {
  const result = new Map<string, Interval[]>();
  for (const calendarId of calendarIds) {
    const entry = answered[calendarId];
    const reasons = (entry?.errors ?? []).map((error) => error.reason ?? 'unknown');
    if (entry === undefined || reasons.length > 0) {
      // Usually a calendar not shared with the service account: its busy times are unknown, and
      // bookings can still only collide with bookings we hold.
      logger.warn(
        { dependency: 'google_calendar', calendarId, reasons },
        'Google Calendar did not report busy times for a calendar',
      );
    }
    const intervals = (entry?.busy ?? []).flatMap((period) => {
      const start = Date.parse(period.start ?? '');
      const end = Date.parse(period.end ?? '');
      return Number.isFinite(start) && Number.isFinite(end) ? [{ start, end }] : [];
    });
    result.set(calendarId, mergeIntervals(intervals));
  }
  return result;
}

/** The shape of a Gaxios error we read, without importing its type. */
interface SdkError {
  message?: unknown;
  code?: unknown;
  response?: { status?: unknown; data?: unknown };
}

/**
 * Turns an SDK error into ours. Only status, Google's reason and message survive: the SDK's
 * error carries the request config, headers included, and must not reach logs or callers.
 */
function translate(operation: string, error: unknown): GoogleCalendarError | GoogleAuthorizationError {
  const sdk = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
  const status = typeof sdk.response?.status === 'number' ? sdk.response.status : undefined;
  const data = sdk.response?.data as
    | { error?: string | { message?: string; errors?: { reason?: string }[] }; error_description?: string }
    | undefined;

  // The token endpoint answers OAuth errors (`{error: 'invalid_grant', error_description}`);
  // the Calendar API answers `{error: {code, message, errors: [{reason}]}}`.
  if (typeof data?.error === 'string' && status !== undefined && status >= 400 && status < 500) {
    return new GoogleAuthorizationError(data.error, data.error_description ?? 'no description');
  }
  if (status === undefined) {
    const code = typeof sdk.code === 'string' ? sdk.code : undefined;
    const message = typeof sdk.message === 'string' ? sdk.message : String(error);
    return new GoogleCalendarError(`Google Calendar ${operation}: no response (${message})`, undefined, code, true);
  }
  const details = typeof data?.error === 'object' ? data.error : undefined;
  const reason = details?.errors?.[0]?.reason;
  const message = details?.message ?? (typeof data?.error === 'string' ? data.error : `HTTP ${status}`);
  return new GoogleCalendarError(
    `Google Calendar ${operation} answered ${status}${reason === undefined ? '' : ` ${reason}`}: ${message}`,
    status,
    reason,
    isRetryableStatus(status, reason),
  );
}

function isRetryableStatus(status: number, reason: string | undefined): boolean {
  if (status < 400 || status >= 500) return true;
  if (status === 408 || status === 409 || status === 429) return true;
  return status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason);
}

/**
 * Free/busy answers per (calendars, window) for `ttlMs` after they arrive. Concurrent askers of
 * the same key share one request; a failed request is not cached.
 */
class BusyCache {
  private readonly entries = new Map<string, { expiresAt: number; value: Promise<Map<string, Interval[]>> }>();

  constructor(private readonly ttlMs: number) {}

  get(
    sortedIds: readonly string[],
    from: Date,
    to: Date,
    fetch: () => Promise<Map<string, Interval[]>>,
  ): Promise<Map<string, Interval[]>> {
    const now = Date.now();
    this.prune(now);
    const key = JSON.stringify([sortedIds, from.getTime(), to.getTime()]);
    const cached = this.entries.get(key);
    if (cached !== undefined) return cached.value;
    const entry = { expiresAt: Number.POSITIVE_INFINITY, value: fetch() };
    this.entries.set(key, entry);
    entry.value.then(
      () => {
        entry.expiresAt = Date.now() + this.ttlMs;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }

  /** After our own writes: the next availability check sees them. */
  clear(): void {
    this.entries.clear();
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}
