import type { MediaStreamSession, PlaybackResult } from '../../../media-streams/index.js';
import type { PhraseCache, PhraseScope } from '../../speech/index.js';
import { ReplyAudio } from './reply-audio.js';

/** Mu-law at 8 kHz: one byte per sample. */
const BYTES_PER_MS = 8;

/**
 * One reply being spoken: its audio (cached phrase or streaming TTS) and what the caller has
 * heard of it so far. A reply can be played in parts: a false interruption clears Twilio's
 * buffer, and the rest is played again from where the caller stopped hearing.
 */
export class SpokenReply {
  readonly text: string;
  readonly audio: ReplyAudio;
  /** What the caller heard before the current part, in ms. */
  #heardBeforeMs = 0;
  #heardMs = 0;
  readonly startedAt = performance.now();

  constructor(phrases: PhraseCache, scope: PhraseScope, text: string, signal: AbortSignal) {
    this.text = text;
    this.audio = new ReplyAudio(phrases.speak(scope, { text, signal }), signal);
  }

  /** ms from asking for speech to the first audio, once there is some. */
  get firstByteMs(): number | undefined {
    return this.audio.firstByteAt === undefined ? undefined : Math.round(this.audio.firstByteAt - this.startedAt);
  }

  get heardMs(): number {
    return this.#heardMs;
  }

  /** Plays the part not heard yet; resolves when it has played, was cleared or aborted. */
  async play(media: MediaStreamSession, signal: AbortSignal): Promise<PlaybackResult> {
    this.#heardBeforeMs = this.#heardMs;
    const offset = this.#heardBeforeMs * BYTES_PER_MS;
    const playback = media.play(this.audio.from(offset, signal), { signal });
    const result = await playback.done;
    this.#heardMs = this.#heardBeforeMs + result.heardMs;
    return { ...result, heardMs: this.#heardMs };
  }

  /**
   * Heard it all: the synthesis finished without failing and every byte was played. A synthesis
   * that failed never holds the whole reply, even when all the audio it did send was played.
   */
  get complete(): boolean {
    if (!this.audio.finished || this.audio.failure !== undefined) return false;
    return this.#heardMs * BYTES_PER_MS >= this.audio.totalBytes - BYTES_PER_MS * 20;
  }

  /** The words the caller heard: the share of the text matching the share of the audio played. */
  heardText(): string {
    if (this.complete) return this.text;
    const totalMs = this.audio.totalBytes / BYTES_PER_MS;
    if (totalMs <= 0 || this.#heardMs <= 0) return '';
    return textShare(this.text, Math.min(1, this.#heardMs / totalMs));
  }
}

/**
 * The first `share` of the text by characters, cut back to a whole word. Without per-word
 * alignment from the TTS this is an estimate, and it rounds down: we would rather repeat a word
 * than claim the caller heard it.
 */
export function textShare(text: string, share: number): string {
  if (share >= 1) return text;
  const cut = Math.floor(text.length * share);
  const head = text.slice(0, cut);
  const atWordEnd = cut >= text.length || /\s/.test(text[cut] ?? ' ');
  return (atWordEnd ? head : head.replace(/\S*$/, '')).trim();
}
