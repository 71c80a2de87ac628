import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';

/**
 * Every error an HTTP client can get from us, with its status and what it means. Responses are
 * `{"error":{"code","message"}}`; the message says what to do.
 */
export const httpErrors = {
  malformed_body: { status: 400, meaning: 'The body could not be parsed as the declared content type.' },
  invalid_parameters: { status: 400, meaning: 'A required parameter is missing or has the wrong form.' },
  unauthorized: { status: 401, meaning: 'A bearer token is required and was missing or wrong.' },
  invalid_signature: { status: 403, meaning: 'X-Twilio-Signature is missing or does not match.' },
  not_found: { status: 404, meaning: 'No route answers this method and path.' },
  payload_too_large: { status: 413, meaning: 'The body is larger than 64 KB.' },
  unsupported_media_type: { status: 415, meaning: 'The body must be application/x-www-form-urlencoded.' },
  rate_limited: { status: 429, meaning: 'Too many requests from this address; Retry-After says when to try again.' },
  internal: { status: 500, meaning: 'Something failed on our side; it was logged.' },
} as const;

export type HttpErrorCode = keyof typeof httpErrors;

export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  constructor(
    readonly code: HttpErrorCode,
    message: string,
  ) {
    super(message);
    this.status = httpErrors[code].status;
  }
}

/** Maps body-parser's own errors (which carry `type`) onto our catalogue. */
function fromBodyParser(error: { type?: string; status?: number }): HttpError | undefined {
  if (error.type === 'entity.too.large') {
    return new HttpError('payload_too_large', 'request body exceeds 64 KB; Twilio webhooks are far smaller');
  }
  if (error.type === 'entity.parse.failed' || error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
    return new HttpError('malformed_body', 'request body could not be parsed; send form-encoded UTF-8');
  }
  if (error.type === 'parameters.too.many') {
    return new HttpError('malformed_body', 'request body has too many parameters');
  }
  return undefined;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = error instanceof HttpError ? error : fromBodyParser(error);
    const httpError = known ?? new HttpError('internal', 'internal error; it was logged with the request id');
    if (!known) logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return;
    res.status(httpError.status).json({ error: { code: httpError.code, message: httpError.message } });
  };
}
