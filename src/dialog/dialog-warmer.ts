import type { Business } from '../config/business-schema.js';
import type { ConversationDependencies } from './conversation-dependencies.js';
import { warmUpDialog } from './policy/dialog-warm-up.js';

export interface DialogWarmerOptions {
  /** A business is warmed at most once in this long (default 60 000 ms). */
  everyMs?: number;
}

/**
 * Runs `warmUpDialog` for a business when a call is answered (while the greeting plays), at most
 * once a minute per business: the first call after a quiet spell gets warm code and blocked times
 * in memory, and a burst of calls does not pay for dozens of warm-ups on the thread that paces
 * every call's audio.
 */
export class DialogWarmer {
  readonly #lastWarmedAt = new Map<string, number>();
  readonly #everyMs: number;

  constructor(
    private readonly conversations: Pick<ConversationDependencies, 'dialog' | 'now' | 'logger'>,
    options: DialogWarmerOptions = {},
  ) {
    this.#everyMs = options.everyMs ?? 60_000;
  }

  /** Starts a warm-up unless this business had one recently; never rejects. */
  warm(business: Business): Promise<void> {
    const now = Date.now();
    const last = this.#lastWarmedAt.get(business.id);
    if (last !== undefined && now - last < this.#everyMs) return Promise.resolve();
    this.#lastWarmedAt.set(business.id, now);
    const { dialog, logger } = this.conversations;
    return warmUpDialog({ business, scheduler: dialog.scheduler }, this.conversations.now(), logger);
  }
}
