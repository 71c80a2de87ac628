import type { PhraseCache, PhraseScope } from '../../speech/index.js';
import { SpokenReply } from './reply-playout.js';

/**
 * A reply synthesised before it is certain. A booking turn knows what it will say if the booking
 * goes through ("You're booked for …") before its transaction runs (`onLikelyReply`), so the TTS
 * request goes out then and the transaction's round trips overlap the vendor's first byte
 * instead of preceding it. Nothing is played from it: its audio waits in `ReplyAudio` until the
 * turn's reply is known and, being the same text, is spoken from here (after COMMIT). Any other
 * reply (the slot was taken meanwhile), or the turn being dropped, cancels the vendor request.
 */
export class ReplyDraft {
  /** Aborts the synthesis; the speech that takes the draft over uses it as its own. */
  readonly controller = new AbortController();
  readonly reply: SpokenReply;

  constructor(phrases: PhraseCache, scope: PhraseScope, text: string, turnSignal: AbortSignal) {
    if (turnSignal.aborted) this.controller.abort(turnSignal.reason);
    else turnSignal.addEventListener('abort', () => this.controller.abort(turnSignal.reason), { once: true });
    this.reply = new SpokenReply(phrases, scope, text, this.controller.signal);
  }

  get text(): string {
    return this.reply.text;
  }

  /** This draft when it says `text`; otherwise it is cancelled and nothing is returned. */
  takeFor(text: string): ReplyDraft | undefined {
    if (text === this.text && !this.controller.signal.aborted) return this;
    this.discard();
    return undefined;
  }

  discard(): void {
    this.controller.abort(new Error('the reply changed'));
  }
}
