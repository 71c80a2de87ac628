export type SpeechDependency = 'deepgram' | 'elevenlabs';

/**
 * refused: the vendor answered the connect or request with an error status;
 * disconnected: an open stream ended without our asking;
 * stalled: an open stream stopped delivering for longer than allowed;
 * protocol: the vendor sent something we cannot read.
 */
export type SpeechFailure = 'refused' | 'disconnected' | 'stalled' | 'protocol';

/**
 * A speech vendor failed. Carries `retryable` the way the vendor policy reads it: false only
 * when our request was wrong (a 400 or 422), which must neither be retried nor trip the
 * breaker. A wrong key (401/403) is the vendor refusing us and counts, so it shows on the
 * breaker and in `vendor_errors_total` (DESIGN §3: a wrong key fails loudly at first use).
 * Connect timeouts and an open breaker arrive as the policy's `VendorUnavailableError`.
 */
export class SpeechVendorError extends Error {
  override readonly name = 'SpeechVendorError';
  readonly retryable: boolean;
  /** HTTP status of a refusal, when there was one. */
  readonly status: number | undefined;
  /** Websocket close code of a disconnect, when there was one. */
  readonly closeCode: number | undefined;

  constructor(
    readonly dependency: SpeechDependency,
    readonly failure: SpeechFailure,
    message: string,
    options: { cause?: unknown; status?: number; closeCode?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.closeCode = options.closeCode;
    this.retryable = !(options.status === 400 || options.status === 422);
  }
}
