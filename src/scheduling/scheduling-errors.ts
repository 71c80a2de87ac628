/** A request the scheduling layer cannot act on; `code` says which, the message what to do. */
export class SchedulingError extends Error {
  override name = 'SchedulingError';
  constructor(
    readonly code: 'unknown_service' | 'unknown_staff' | 'staff_cannot_perform' | 'missing_customer' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}
