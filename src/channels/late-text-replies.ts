import { finishLateTextTurn, type PreparedTextTurn, type TextChannelDependencies } from './inbound-text.js';

/**
 * Owns the text turns that finish after their webhook was answered, so shutdown can wait for
 * them rather than lose a reply that was still being worked out.
 */
export class LateTextReplies {
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly deps: TextChannelDependencies) {}

  /** Saves and queues the turn's reply once it is ready; failures are logged, never thrown. */
  finish(turn: PreparedTextTurn): void {
    const work = finishLateTextTurn(this.deps, turn).then(
      () => this.deps.logger.info({ messageSid: turn.inbound.messageSid }, 'late text reply queued in the outbox'),
      (error: unknown) =>
        this.deps.logger.error({ err: error, messageSid: turn.inbound.messageSid }, 'late text reply could not be saved; the customer gets no answer to this message'),
    );
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
  }

  async drain(): Promise<void> {
    await Promise.all([...this.#pending]);
  }
}
