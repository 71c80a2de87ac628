import type { MediaStreamSession } from '../../../media-streams/index.js';
import type { PhraseCache, PhraseScope } from '../../speech/index.js';
import { isBackchannel } from './call-phrases.js';
import type { ReplyDraft } from './reply-draft.js';
import { SpokenReply } from './reply-playout.js';

/** How a reply's speech ended. `interrupted`: the caller took the turn (real words). */
export type SpeechEnd =
  | { kind: 'played' }
  | { kind: 'interrupted'; heardText: string }
  | { kind: 'failed'; heardText: string; error: unknown }
  | { kind: 'stopped' };

export interface AgentSpeechOptions {
  media: MediaStreamSession;
  phrases: PhraseCache;
  scope: PhraseScope;
  text: string;
  /** The same text, already being synthesised (a booking's reply, during its transaction). */
  draft?: ReplyDraft | undefined;
  /** The turn's signal: aborting it stops synthesis and playout. */
  signal: AbortSignal;
  /** False for what must be heard whole (a booking confirmation, a goodbye). */
  interruptible: boolean;
  /** How long a barge-in may go without words before we resume, in ms. Default 1000. */
  falseInterruptionMs?: number;
  /**
   * A cached phrase ("One moment, let me check.") played when the reply's first audio is this
   * late, so a slow or hung TTS is not dead air; the reply follows it once its audio comes.
   * `audio` is read when the time is up. Absent: the reply's playout starts at once.
   */
  filler?: { afterMs: number; audio: () => Buffer | undefined };
  onEnd: (end: SpeechEnd) => void;
  /** The filler phrase began to play. */
  onFiller?: () => void;
  /** The caller spoke over us and we cleared; `speakingMs`: how long they had spoken by then. */
  onBargeIn?: () => void;
  onFalseInterruption?: () => void;
}

/**
 * Speaking one reply with barge-in (DESIGN §1). When the caller starts to speak we `clear` at
 * once (the ~200 ms budget leaves no time to wait for words) and then listen: real words make
 * it a barge-in and the reply is abandoned; a backchannel ("ok", "mm-hmm") or nothing within
 * `falseInterruptionMs` makes it a false interruption, and the reply resumes where the caller
 * stopped hearing it.
 */
export class AgentSpeech {
  readonly reply: SpokenReply;
  readonly #options: AgentSpeechOptions;
  readonly #playbackSignal: AbortController;
  #interruption: NodeJS.Timeout | undefined;
  #ended = false;
  /** The reply's playout was started (at once, or after waiting for its first audio). */
  #begun = false;
  #fillerTimer: NodeJS.Timeout | undefined;
  /** performance.now() when the reply was known (its audio may have been asked for earlier: a draft). */
  startedAt = performance.now();

  constructor(options: AgentSpeechOptions) {
    this.#options = options;
    const draft = options.draft?.takeFor(options.text);
    this.#playbackSignal = draft?.controller ?? new AbortController();
    options.signal.addEventListener('abort', () => this.#playbackSignal.abort(options.signal.reason), { once: true });
    this.reply = draft?.reply ?? new SpokenReply(options.phrases, options.scope, options.text, this.#playbackSignal.signal);
  }

  get interrupted(): boolean {
    return this.#interruption !== undefined;
  }

  /**
   * Starts the reply. With a `filler`, playout waits for the reply's first audio (a playback
   * holds the stream until its source yields, and would hold a filler queued behind it): audio
   * in time plays at once; audio later than `filler.afterMs` is preceded by the filler, and a
   * synthesis that fails ends the speech as `failed` so the session can fall back.
   */
  start(): void {
    const filler = this.#options.filler;
    const audio = this.reply.audio;
    if (!filler || audio.firstByteAt !== undefined || audio.finished) {
      this.#begin();
      return;
    }
    this.#fillerTimer = setTimeout(() => {
      this.#fillerTimer = undefined;
      if (this.#ended || this.#begun || this.#playbackSignal.signal.aborted) return;
      const phrase = filler.audio();
      if (phrase && !this.#interruption) {
        this.#options.media.play(phrase, { signal: this.#playbackSignal.signal });
        this.#options.onFiller?.();
      }
      this.#begin();
    }, filler.afterMs);
    void audio.started.then(() => {
      clearTimeout(this.#fillerTimer);
      this.#fillerTimer = undefined;
      if (!this.#ended && !this.#begun && !this.#playbackSignal.signal.aborted) this.#begin();
    });
  }

  /** Starts the reply's playout, unless the caller is speaking over us (the resume starts it then). */
  #begin(): void {
    this.#begun = true;
    if (!this.#interruption) this.#playPart();
  }

  /** The caller began to speak. True when we cleared our audio for them. */
  onSpeechStarted(): boolean {
    if (this.#ended || this.#interruption || !this.#options.interruptible) return false;
    this.#options.media.clear();
    this.#options.onBargeIn?.();
    this.#interruption = setTimeout(() => this.#resume(), this.#options.falseInterruptionMs ?? 1000);
    return true;
  }

  /**
   * Words heard while we speak: a backchannel (ignored; after a barge-in it resumes the reply),
   * a barge-in (real words: the reply is abandoned), or words we keep speaking over (the reply
   * may not be interrupted; the session queues them).
   */
  onWords(text: string, final: boolean): 'backchannel' | 'barge-in' | 'held' {
    if (this.#ended || !text.trim()) return 'held';
    if (isBackchannel(text, final)) {
      if (final && this.#interruption) this.#resume();
      return 'backchannel';
    }
    if (!this.#interruption && !this.#options.interruptible) return 'held';
    if (!this.#interruption) this.#options.media.clear();
    this.#stopInterruptionTimer();
    this.#finish({ kind: 'interrupted', heardText: this.reply.heardText() });
    this.#playbackSignal.abort(new Error('barge-in'));
    return 'barge-in';
  }

  /** The call is ending under us: stop quietly. */
  stop(): void {
    this.#stopInterruptionTimer();
    clearTimeout(this.#fillerTimer);
    this.#playbackSignal.abort(new Error('stopped'));
    this.#finish({ kind: 'stopped' });
  }

  #playPart(): void {
    const signal = this.#playbackSignal.signal;
    this.reply
      .play(this.#options.media, signal)
      .then((result) => {
        if (this.#ended) return;
        if (result.outcome === 'played' && this.reply.audio.failure === undefined) this.#finish({ kind: 'played' });
        else if (result.outcome === 'played' || result.outcome === 'failed') {
          this.#finish({ kind: 'failed', heardText: this.reply.heardText(), error: this.reply.audio.failure ?? new Error('playback failed') });
        } else if (result.outcome === 'closed') this.#finish({ kind: 'stopped' });
        // 'cleared': a barge-in is being judged; 'aborted': the turn was abandoned.
      })
      .catch((error: unknown) => this.#finish({ kind: 'failed', heardText: this.reply.heardText(), error }));
  }

  #resume(): void {
    this.#stopInterruptionTimer();
    if (this.#ended) return;
    this.#options.onFalseInterruption?.();
    if (this.#begun) this.#playPart();
  }

  #stopInterruptionTimer(): void {
    clearTimeout(this.#interruption);
    this.#interruption = undefined;
  }

  #finish(end: SpeechEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopInterruptionTimer();
    clearTimeout(this.#fillerTimer);
    this.#options.onEnd(end);
  }
}
