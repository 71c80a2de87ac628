import type { TranscriptEvent } from '../../speech/index.js';

/**
 * Decides when the caller has finished a turn. Deepgram's endpointing (`speech_final`, after its
 * silence threshold) and `UtteranceEnd` (no words for a second) are the signals; the dialog
 * state refines them: after "what's your number?" people pause between digit groups, and a half
 * sentence ("on Tuesday at…") is not an answer yet. In both cases we hold the turn open a while
 * longer and only end it if nothing more is said.
 */
export interface EndpointingOptions {
  /** Extra wait after `speech_final` when the words look unfinished, in ms. Default 800. */
  unfinishedHoldMs?: number;
  /** Extra wait after `speech_final` while a phone number is expected, in ms. Default 1500. */
  digitsHoldMs?: number;
}

export interface EndOfTurn {
  utterance: string;
  /** From the final transcript arriving to the decision (our own wait), in ms. */
  holdMs: number;
}

const UNFINISHED_ENDINGS = /\b(at|on|in|for|with|and|or|but|the|a|an|to|around|about|like|um|uh|er|maybe|is|my|number|it's|its)$/i;

export function looksUnfinished(text: string): boolean {
  const trimmed = text.trim().replace(/[.,!?]+$/, '');
  return text.trim().endsWith('...') || text.trim().endsWith('-') || UNFINISHED_ENDINGS.test(trimmed);
}

function digitsIn(text: string): number {
  return text.replace(/\D/g, '').length;
}

export class Endpointer {
  readonly #onEnd: (end: EndOfTurn) => void;
  readonly #unfinishedHoldMs: number;
  readonly #digitsHoldMs: number;
  #finals: string[] = [];
  #hold: NodeJS.Timeout | undefined;
  #finalAtMs = 0;
  /** What the dialog asked for last; `phone` means digits are coming. */
  expecting: string | undefined;

  constructor(onEnd: (end: EndOfTurn) => void, options: EndpointingOptions = {}) {
    this.#onEnd = onEnd;
    this.#unfinishedHoldMs = options.unfinishedHoldMs ?? 800;
    this.#digitsHoldMs = options.digitsHoldMs ?? 1500;
  }

  /** Words heard so far in this turn. */
  get pending(): string {
    return this.#finals.join(' ').trim();
  }

  push(event: TranscriptEvent): void {
    switch (event.type) {
      case 'speechStarted':
        return;
      case 'interim':
        // More words: the caller is still going, whatever we were holding for.
        if (event.text.trim()) this.#cancelHold();
        return;
      case 'final':
        if (event.text.trim()) {
          this.#cancelHold();
          this.#finals.push(event.text.trim());
        }
        if (event.speechFinal && this.pending) this.#speechFinal();
        return;
      case 'utteranceEnd':
        // Deepgram's own "nobody has spoken for a while": only a pending hold outlives it.
        if (this.pending && !this.#hold) this.#end();
        return;
    }
  }

  /** Forgets the words so far (they were a backchannel, or the turn was taken by DTMF). */
  reset(): void {
    this.#cancelHold();
    this.#finals = [];
  }

  close(): void {
    this.#cancelHold();
  }

  #speechFinal(): void {
    this.#finalAtMs = performance.now();
    const holdMs = this.expecting === 'phone' && digitsIn(this.pending) < 10
      ? this.#digitsHoldMs
      : looksUnfinished(this.pending)
        ? this.#unfinishedHoldMs
        : 0;
    if (holdMs === 0) return this.#end();
    this.#hold = setTimeout(() => {
      this.#hold = undefined;
      this.#end();
    }, holdMs);
  }

  #cancelHold(): void {
    clearTimeout(this.#hold);
    this.#hold = undefined;
  }

  #end(): void {
    const utterance = this.pending;
    const holdMs = this.#finalAtMs ? Math.round(performance.now() - this.#finalAtMs) : 0;
    this.#finals = [];
    this.#finalAtMs = 0;
    this.#cancelHold();
    if (utterance) this.#onEnd({ utterance, holdMs });
  }
}
