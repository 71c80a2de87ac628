import { GoogleAuthorizationError } from './google-auth.js';

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

/** 403 reasons that mean "slow down", not "forbidden" (https://developers.google.com/calendar/api/guides/errors). */
const RATE_LIMIT_REASONS: ReadonlySet<string> = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

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
export function translate(operation: string, error: unknown): GoogleCalendarError | GoogleAuthorizationError {
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

