import type { MediaStreamSession, PlaybackResult } from '../../../media-streams/index.js';
import type { PhraseCache, PhraseScope } from '../../speech/index.js';
import { ReplyAudio } from './reply-audio.js';

/** Mu-law at 8 kHz: one byte per sample. */
const BYTES_PER_MS = 8;
/**
 * A calm speaking pace (about 150 words a minute), used to size a reply whose synthesis broke
 * off: its audio then covers an unknown share of the text. Faster voices make the estimate too
 * long, which rounds what we claim was heard down, the safe way.
 */
const ESTIMATED_MS_PER_CHARACTER = 75;

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

  /**
   * The words the caller heard: the share of the text matching the share of the audio played.
   * When the synthesis broke off mid-sentence the audio received is not the whole reply, so the
   * share is of the reply's estimated length, and never the whole text: playing all the audio
   * that came is not hearing the words that never did.
   */
  heardText(): string {
    if (this.complete) return this.text;
    const receivedMs = this.audio.totalBytes / BYTES_PER_MS;
    if (receivedMs <= 0 || this.#heardMs <= 0) return '';
    if (this.audio.failure === undefined) return textShare(this.text, Math.min(1, this.#heardMs / receivedMs));
    const estimatedMs = Math.max(receivedMs, this.text.length * ESTIMATED_MS_PER_CHARACTER);
    return withoutLastWordIfWhole(this.text, textShare(this.text, Math.min(1, this.#heardMs / estimatedMs)));
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

/** `heard`, less its last word when it is the whole of `text`. */
function withoutLastWordIfWhole(text: string, heard: string): string {
  return heard === text ? text.replace(/\s*\S+\s*$/, '') : heard;
}
