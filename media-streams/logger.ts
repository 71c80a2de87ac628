/**
 * The logging the transport needs, and nothing more: a pino logger fits as is, and the transport
 * stays free of `src/`. Messages are static strings; details go in `fields` (never audio or
 * custom parameters, which may carry personal data).
 */
export interface MediaStreamLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** For callers that really want silence (benchmarks); tests should capture instead. */
export const silentLogger: MediaStreamLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
