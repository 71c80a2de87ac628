/**
 * What can go wrong when a message is handed to a provider, as types the jobs can act on without
 * knowing the vendor. `retryable = false` tells the vendor policy not to retry and not to count
 * the failure against the breaker (the request was wrong, not the vendor), and tells a job to stop.
 */

/** The provider answered and refused the message; nothing was sent. */
export class MessageRejectedError extends Error {
  override name = 'MessageRejectedError';

  constructor(
    message: string,
    /** The provider's own error code (Twilio's numeric codes), for logs and the outbox row. */
    readonly providerCode: string | undefined,
    /** False when the same request can never succeed. */
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The recipient opted out (Twilio 21610, after STOP): no text may go to them until they opt back in. */
export class RecipientOptedOutError extends MessageRejectedError {
  override name = 'RecipientOptedOutError';

  constructor(providerCode: string, options?: ErrorOptions) {
    super('the recipient has opted out of messages from this sender', providerCode, false, options);
  }
}

/** The address cannot receive this kind of message (not a valid or not a mobile number, bad email). */
export class InvalidRecipientError extends MessageRejectedError {
  override name = 'InvalidRecipientError';

  constructor(detail: string, providerCode: string | undefined, options?: ErrorOptions) {
    super(`the recipient cannot receive this message: ${detail}`, providerCode, false, options);
  }
}

/** WhatsApp outside the 24-hour window refuses free-form text (Twilio 63016): only an approved template may go. */
export class TemplateRequiredError extends MessageRejectedError {
  override name = 'TemplateRequiredError';

  constructor(providerCode: string, options?: ErrorOptions) {
    super('outside the 24-hour window only an approved template may be sent', providerCode, false, options);
  }
}

/** Errors after which we know for certain nothing was sent (as opposed to a timeout or a dropped connection). */
export function provesNothingWasSent(error: unknown): boolean {
  if (error instanceof MessageRejectedError) return true;
  const unavailable = error as { name?: string; reason?: string };
  return unavailable.name === 'VendorUnavailableError' && unavailable.reason === 'breaker_open';
}
