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
