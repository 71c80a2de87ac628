import { encodeMulaw, FRAME_BYTES, SAMPLE_RATE } from '../../media-streams/mulaw.js';

/**
 * Caller audio made in code: speech is a voiced burst (a 150 Hz buzz with harmonics and a
 * little noise, loud as a phone voice), silence is digital zero. Every segment is a whole number
 * of 20 ms frames, so where speech starts and stops is known to the frame.
 */
export type Segment = { speechMs: number } | { silenceMs: number };

export function syntheticSpeech(segments: readonly Segment[]): Buffer {
  const parts = segments.map((segment) => ('speechMs' in segment ? voiced(segment.speechMs) : silence(segment.silenceMs)));
  return encodeMulaw(concat(parts));
}

function samplesFor(ms: number): number {
  if (ms % 20 !== 0) throw new RangeError(`segments are whole 20 ms frames, got ${ms} ms`);
  return (SAMPLE_RATE * ms) / 1000;
}

function voiced(ms: number): Int16Array {
  const out = new Int16Array(samplesFor(ms));
  let seed = 12345;
  for (let i = 0; i < out.length; i++) {
    const t = i / SAMPLE_RATE;
    const buzz = Math.sin(2 * Math.PI * 150 * t) + 0.5 * Math.sin(2 * Math.PI * 300 * t) + 0.25 * Math.sin(2 * Math.PI * 450 * t);
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const noise = (seed / 0x7fffffff - 0.5) * 0.2;
    out[i] = Math.round((buzz / 1.75 + noise) * 6000);
  }
  return out;
}

function silence(ms: number): Int16Array {
  return new Int16Array(samplesFor(ms));
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Cuts mu-law audio into the 160-byte frames Twilio sends. */
export function* frames(audio: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < audio.length; offset += FRAME_BYTES) yield audio.subarray(offset, offset + FRAME_BYTES);
}

/** True when some 20 ms frame of `audio` is not silence (0xFF/0x7F are mu-law zero). */
export function hasSound(audio: Uint8Array): boolean {
  return audio.some((byte) => byte !== 0xff && byte !== 0x7f);
}
