/**
 * What a delivery job tells BullMQ. `PermanentDeliveryError` becomes BullMQ's `UnrecoverableError`
 * in the worker (never retried); anything else is retried with backoff.
 */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}

/** Another worker holds the row within its lease; the job tries again after its backoff. */
export class RowBusyError extends Error {
  override name = 'RowBusyError';

  constructor(outboxId: string) {
    super(`outbox row ${outboxId} is being sent by another worker`);
  }
}

/** Where in its life a job is: on the last attempt a failure ends the row instead of leaving it for a retry. */
export interface AttemptInfo {
  lastAttempt: boolean;
}
