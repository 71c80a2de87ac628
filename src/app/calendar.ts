import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import type { Metrics } from '../observability/metrics.js';
import { createVendorPolicy } from '../resilience/vendor-policy.js';
import type { CalendarProvider } from '../scheduling/calendar-provider.js';
import { createGoogleCalendarProvider, type AuthorizationStatus } from '../scheduling/google-calendar-provider.js';
import { createLocalCalendarProvider } from '../scheduling/local-calendar-provider.js';
import { tuned, type PolicyTuning } from './vendor-tuning.js';

export interface CalendarSetup {
  calendar: CalendarProvider;
  /** For /health: whether Google accepts our credentials (always fine for the local calendar). */
  authorization(): AuthorizationStatus;
}

/** Google Calendar when credentials are configured, otherwise Postgres as the only calendar. */
export function createCalendar(env: Env, metrics: Metrics, logger: Logger, tuning?: PolicyTuning): CalendarSetup {
  if (!env.GOOGLE_CALENDAR_CREDENTIALS) {
    return { calendar: createLocalCalendarProvider(), authorization: () => ({ ok: true }) };
  }
  const google = createGoogleCalendarProvider({
    credentialsFile: env.GOOGLE_CALENDAR_CREDENTIALS,
    apiUrl: env.GOOGLE_API_URL,
    tokenUrl: env.GOOGLE_TOKEN_URL,
    logger,
    policy: createVendorPolicy({ dependency: 'google_calendar', metrics, logger, ...tuned({ timeoutMs: 5000, retries: 2 }, tuning) }),
  });
  return {
    calendar: google,
    authorization: () => google.authorization(),
  };
}
