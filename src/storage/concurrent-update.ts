/**
 * A save that read an older version of a row than the one now stored: another turn of the same
 * conversation got there first. Whoever runs the turn reads the row again and retries.
 */
export class ConcurrentUpdate extends Error {
  override name = 'ConcurrentUpdate';

  constructor(what: string) {
    super(`${what} was changed by another request meanwhile; read it again and retry`);
  }
}

/** What `refuse_stale_write` (migration 1764900000000) raises: our own SQLSTATE class. */
export const STALE_WRITE_SQLSTATE = 'FD001';

/**
 * SQL guarding a statement's save: aborts the whole statement (SQLSTATE FD001) unless `saved`
 * (an SQL boolean, e.g. `EXISTS (SELECT FROM saved)`) holds. `what` names the row for the error.
 */
export function refuseStaleWriteSql(saved: string, what: string, value: (item: unknown) => string): string {
  return `refuse_stale_write(${saved}, ${value(what)})`;
}

/** `error` as a `ConcurrentUpdate` when it is a statement that `refuseStaleWriteSql` aborted; otherwise as it was. */
export function asConcurrentUpdate(error: unknown): unknown {
  const { code, detail } = (error ?? {}) as { code?: unknown; detail?: unknown };
  if (code !== STALE_WRITE_SQLSTATE) return error;
  return new ConcurrentUpdate(typeof detail === 'string' ? detail : 'a row');
}
