import type { FinalTranscript } from '../../speech/index.js';

/**
 * Puts the caller's speech on our clock, for per-turn latencies. The transcript and the VAD
 * speak in stream time (ms of audio since the stream started); the last audio frame tells us
 * which `performance.now()` that corresponds to (frames arrive in real time from Twilio).
 */
export class SpeechClock {
  #lastAudioStreamMs = 0;
  #lastAudioAt = performance.now();
  #speechEndedAt: number | undefined;
  #finalAt: number | undefined;
  #speakingSince: number | undefined;

  onAudio(streamMs: number): void {
    this.#lastAudioStreamMs = streamMs;
    this.#lastAudioAt = performance.now();
  }

  onSpeechStarted(streamMs: number): void {
    this.#speakingSince = this.#wallFor(streamMs);
  }

  /** A final transcript: its last word's end is where the caller stopped talking. */
  onFinal(final: FinalTranscript): void {
    this.#finalAt = performance.now();
    const endMs = final.words.at(-1)?.endMs ?? final.startMs + final.durationMs;
    this.#speechEndedAt = this.#wallFor(endMs);
  }

  /** For the turn that just ended: when the caller stopped talking, to measure voice-to-voice. */
  speechEnd(): { speechEndedAt?: number } {
    return this.#speechEndedAt === undefined ? {} : { speechEndedAt: this.#speechEndedAt };
  }

  /**
   * `stt_final`: end of speech → final transcript; `endpointing`: end of speech → end of turn
   * decided (the STT's part plus our own hold). In ms.
   */
  turnTimings(holdMs: number): Record<string, number> {
    if (this.#speechEndedAt === undefined || this.#finalAt === undefined) return { hold: holdMs };
    const now = performance.now();
    return {
      stt_final: Math.max(0, Math.round(this.#finalAt - this.#speechEndedAt)),
      endpointing: Math.max(0, Math.round(now - this.#speechEndedAt)),
      hold: holdMs,
    };
  }

  /** How long the caller had been speaking (by the local VAD), in ms. */
  speakingMs(): number {
    return this.#speakingSince === undefined ? 0 : Math.max(0, performance.now() - this.#speakingSince);
  }

  #wallFor(streamMs: number): number {
    return this.#lastAudioAt - (this.#lastAudioStreamMs - streamMs);
  }
}
