/**
 * A cheap voice-activity detector over inbound 20 ms frames, for barge-in: it must notice the
 * caller within ~200 ms without a round trip to the speech-to-text vendor.
 *
 * Frame energy (dBFS) is compared with an adaptive noise floor. The floor follows quieter frames
 * quickly and louder frames slowly, so a steady line hiss or fan becomes "silence" while speech,
 * which rises well above the floor, does not. Speech must persist for `minSpeechMs` to start
 * (a click is not a barge-in) and stays "on" for `hangoverMs` after the last loud frame (the
 * pauses between words are not the end of speech).
 */
import { FRAME_MS, mulawSumOfSquares } from './mulaw.js';

export interface VoiceActivityOptions {
  /** Energy above the noise floor that counts as speech. Default 12 dB. */
  thresholdDb?: number;
  /** Quieter than this is never speech, whatever the floor. Default -50 dBFS. */
  minSpeechDbfs?: number;
  /** Loud frames in a row needed to start speech. Default 60 ms (3 frames). */
  minSpeechMs?: number;
  /** Quiet time after the last loud frame before speech stops. Default 400 ms. */
  hangoverMs?: number;
  /** Time constant of the floor rising towards louder non-speech frames. Default 1000 ms. */
  floorRiseMs?: number;
  /** Time constant of the floor rising while speech is on (so a stuck tone ends). Default 20000 ms. */
  floorRiseInSpeechMs?: number;
  /** Time constant of the floor falling towards quieter frames. Default 100 ms. */
  floorFallMs?: number;
}

export type VoiceActivityEvent =
  /** `atMs`: timestamp of the first loud frame of this speech. */
  | { type: 'speechStarted'; atMs: number }
  /** `atMs`: end of the last loud frame (its timestamp + 20 ms). */
  | { type: 'speechStopped'; atMs: number };

/** Digital silence has no energy; this stands in for minus infinity. */
const FLOOR_DBFS = -96;

/** RMS level of a frame in dB relative to full scale (a full-scale square wave is 0). */
export function frameEnergyDbfs(pcm: Int16Array): number {
  let sumOfSquares = 0;
  for (let i = 0; i < pcm.length; i++) sumOfSquares += pcm[i]! * pcm[i]!;
  return energyDbfs(sumOfSquares, pcm.length);
}

/** The same level from mu-law bytes, without decoding the frame into a new array. */
export function mulawFrameEnergyDbfs(mulaw: Uint8Array): number {
  return energyDbfs(mulawSumOfSquares(mulaw), mulaw.length);
}

function energyDbfs(sumOfSquares: number, samples: number): number {
  if (samples === 0) return FLOOR_DBFS;
  const rms = Math.sqrt(sumOfSquares / samples) / 32768;
  return rms > 0 ? Math.max(FLOOR_DBFS, 20 * Math.log10(rms)) : FLOOR_DBFS;
}

export class VoiceActivityDetector {
  readonly #thresholdDb: number;
  readonly #minSpeechDbfs: number;
  readonly #minSpeechFrames: number;
  readonly #hangoverFrames: number;
  readonly #riseRate: number;
  readonly #riseInSpeechRate: number;
  readonly #fallRate: number;
  #noiseFloorDbfs: number | undefined;
  #speaking = false;
  #loudRun = 0;
  #loudRunStartMs = 0;
  #quietRun = 0;
  #lastLoudEndMs = 0;

  constructor(options: VoiceActivityOptions = {}) {
    this.#thresholdDb = options.thresholdDb ?? 12;
    this.#minSpeechDbfs = options.minSpeechDbfs ?? -50;
    this.#minSpeechFrames = Math.max(1, Math.round((options.minSpeechMs ?? 60) / FRAME_MS));
    this.#hangoverFrames = Math.max(1, Math.round((options.hangoverMs ?? 400) / FRAME_MS));
    // One-pole smoothing: per-frame rate for a time constant τ is 1 - e^(-20 ms / τ).
    this.#riseRate = rateFor(options.floorRiseMs ?? 1000);
    this.#riseInSpeechRate = rateFor(options.floorRiseInSpeechMs ?? 20000);
    this.#fallRate = rateFor(options.floorFallMs ?? 100);
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  get noiseFloorDbfs(): number | undefined {
    return this.#noiseFloorDbfs;
  }

  /**
   * Feeds one frame (decoded PCM) with its stream timestamp; returns an event when speech starts
   * or stops on this frame.
   */
  push(pcm: Int16Array, timestampMs: number): VoiceActivityEvent | undefined {
    return this.pushEnergy(frameEnergyDbfs(pcm), timestampMs);
  }

  /** Feeds one frame's level (`frameEnergyDbfs` or `mulawFrameEnergyDbfs`). */
  pushEnergy(energyDbfs: number, timestampMs: number): VoiceActivityEvent | undefined {
    // The first frame seeds the floor: calls start with the caller listening to the greeting.
    const floor = this.#noiseFloorDbfs ?? energyDbfs;
    const loud = energyDbfs >= Math.max(floor + this.#thresholdDb, this.#minSpeechDbfs);
    this.#noiseFloorDbfs = this.#adaptFloor(floor, energyDbfs, loud);
    return loud ? this.#onLoud(timestampMs) : this.#onQuiet();
  }

  #adaptFloor(floor: number, energyDbfs: number, loud: boolean): number {
    if (energyDbfs < floor) return floor + (energyDbfs - floor) * this.#fallRate;
    const rate = loud || this.#speaking ? this.#riseInSpeechRate : this.#riseRate;
    return floor + (energyDbfs - floor) * rate;
  }

  #onLoud(timestampMs: number): VoiceActivityEvent | undefined {
    this.#quietRun = 0;
    this.#lastLoudEndMs = timestampMs + FRAME_MS;
    if (this.#loudRun === 0) this.#loudRunStartMs = timestampMs;
    this.#loudRun++;
    if (this.#speaking || this.#loudRun < this.#minSpeechFrames) return undefined;
    this.#speaking = true;
    return { type: 'speechStarted', atMs: this.#loudRunStartMs };
  }

  #onQuiet(): VoiceActivityEvent | undefined {
    this.#loudRun = 0;
    if (!this.#speaking) return undefined;
    this.#quietRun++;
    if (this.#quietRun < this.#hangoverFrames) return undefined;
    this.#speaking = false;
    this.#quietRun = 0;
    return { type: 'speechStopped', atMs: this.#lastLoudEndMs };
  }
}

function rateFor(timeConstantMs: number): number {
  return 1 - Math.exp(-FRAME_MS / Math.max(timeConstantMs, 1));
}
