import { calendar as calendarApi, type calendar_v3 } from 'googleapis/build/src/apis/calendar/index.js';
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
import { BOOKING_ID_PROPERTY, BusyCache, busyInterval } from './google-busy-times.js';
import { GoogleCalendarError, translate } from './google-errors.js';
import { mergeIntervals, type Interval } from './interval.js';

export { GoogleAuthorizationError, type AuthorizationStatus } from './google-auth.js';
export { GoogleCalendarError } from './google-errors.js';

/**
 * Google Calendar through `googleapis` (PROTOCOLS.md, "Google Calendar"). Every request goes
 * through the vendor policy; the SDK's own retries are off. Writes are idempotent by
 * construction: the event id is derived from the booking id, an insert that answers 409 means
 * the event exists (Google keeps ids of deleted events too) and becomes a patch, and a delete of
 * an event already gone (404/410) is done.
 *
 * Busy times come from the calendars' events, not from freeBusy: freeBusy also reports the
 * events we mirrored from our own bookings, which Postgres already blocks (with buffers). Counted
 * twice, a booking moved to a time overlapping its old one would collide with itself, and a
 * cancelled booking would block its time until the sync job deleted the event.
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
  /** How long busy times are reused for the same calendars and window, in ms. Default: 30 000. */
  busyCacheMs?: number;
}

export interface GoogleCalendarProvider extends CalendarProvider {
  readonly name: 'google';
  /** Whether Google accepted our credentials the last time we asked; true until it refuses. */
  authorization(): AuthorizationStatus;
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
/** events.list's largest page (https://developers.google.com/calendar/api/v3/reference/events/list). */
const MAX_RESULTS = 2500;
export function createGoogleCalendarProvider(options: GoogleCalendarProviderOptions): GoogleCalendarProvider {
  const auth = createGoogleAuth({
    account: readServiceAccount(options.credentialsFile),
    ...(options.subject === undefined ? {} : { subject: options.subject }),
    ...(options.tokenUrl === undefined ? {} : { tokenUrl: options.tokenUrl }),
  });
  const google = {
    calendar: calendarApi({
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
      const busy = await busyCache.get(ids, from, to, () => readBusyTimes(google, policy, ids, { from, to }));
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

/**
 * Busy times of several calendars, read in parallel. Every read has settled (none is left
 * running) before the first failure is thrown.
 */
async function readBusyTimes(
  google: Google,
  policy: VendorPolicy,
  calendarIds: readonly string[],
  window: { from: Date; to: Date },
): Promise<Map<string, Interval[]>> {
  const reads = await Promise.allSettled(calendarIds.map((id) => readCalendarBusyTimes(google, policy, id, window)));
  const result = new Map<string, Interval[]>();
  for (const [index, read] of reads.entries()) {
    if (read.status === 'rejected') throw read.reason;
    result.set(calendarIds[index]!, read.value);
  }
  return result;
}

/** One calendar's busy times within the window, following events.list's pages; one policy call per page. */
async function readCalendarBusyTimes(
  google: Google,
  policy: VendorPolicy,
  calendarId: string,
  window: { from: Date; to: Date },
): Promise<Interval[]> {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const intervals: Interval[] = [];
  let pageToken: string | undefined;
  do {
    const token = pageToken;
    const page = await policy.execute((signal) => listEventsPage(google, calendarId, window, token, signal), {
      idempotent: true,
    });
    if (page === undefined) {
      // Usually a calendar not shared with the account we act as: its busy times are unknown,
      // and bookings can still only collide with bookings we hold.
      google.logger.warn(
        { dependency: 'google_calendar', calendarId },
        'Google Calendar did not report busy times for a calendar',
      );
      return [];
    }
    for (const event of page.items ?? []) {
      const busy = busyInterval(event, page.timeZone ?? undefined);
      if (busy !== undefined) intervals.push({ start: Math.max(busy.start, from), end: Math.min(busy.end, to) });
    }
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  return mergeIntervals(intervals);
}

/** One page of the calendar's events within the window; undefined when Google has no such calendar for us (404). */
async function listEventsPage(
  google: Google,
  calendarId: string,
  window: { from: Date; to: Date },
  pageToken: string | undefined,
  signal: AbortSignal,
): Promise<calendar_v3.Schema$Events | undefined> {
  const params = {
    calendarId,
    timeMin: window.from.toISOString(),
    timeMax: window.to.toISOString(),
    // Recurring events as their instances, each with its own time.
    singleEvents: true,
    showDeleted: false,
    maxResults: MAX_RESULTS,
    ...(pageToken === undefined ? {} : { pageToken }),
  };
  try {
    const response = await call(google, 'list events', signal, () => google.calendar.events.list(params, { signal }));
    return response.data;
  } catch (error) {
    if (error instanceof GoogleCalendarError && error.status === 404) return undefined;
    throw error;
  }
}

async function insertOrPatch(google: Google, event: CalendarEvent, eventId: string, signal: AbortSignal): Promise<void> {
  const { calendarId } = event;
  const fields = {
    summary: event.summary,
    description: event.description ?? null,
    start: { dateTime: event.start.toISOString(), timeZone: event.timeZone },
    end: { dateTime: event.end.toISOString(), timeZone: event.timeZone },
  };
  const extendedProperties = { private: { [BOOKING_ID_PROPERTY]: event.bookingId } };
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

