/**
 * G.711 mu-law, the only audio format Twilio Media Streams speaks: 8 kHz mono, one byte per
 * sample, no header. Twilio sends and expects 20 ms frames of 160 bytes; silence is 0xFF.
 * Both directions go through lookup tables built once, because this runs for every frame of
 * every call (50 frames per second each way).
 */

export const SAMPLE_RATE = 8000;
export const FRAME_MS = 20;
/** One frame: 8000 samples/s × 20 ms, one byte per sample. */
export const FRAME_BYTES = 160;
/** The mu-law byte for a zero sample; pads partial frames so padding is heard as silence. */
export const SILENCE_BYTE = 0xff;

/** G.711 adds this bias before finding the segment, so that small samples get a segment too. */
const BIAS = 0x84;
/** Largest magnitude that still fits after the bias is added. */
const CLIP = 32635;

function encodeSample(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(sign ? -sample : sample, CLIP) + BIAS;
  let exponent = 7;
  // The segment (exponent) is the position of the highest set bit among bits 14..7.
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = sign | (exponent << 4) | mantissa;
  // Mu-law transmits every bit inverted (it keeps line idle patterns dense in ones).
  return ~magnitude & 0xff;
}

function decodeByte(byte: number): number {
  const inverted = ~byte & 0xff;
  const exponent = (inverted >> 4) & 0x07;
  const mantissa = inverted & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return inverted & 0x80 ? -magnitude : magnitude;
}

/** Index by `sample + 32768`. */
const ENCODE_TABLE = new Uint8Array(65536);
for (let i = 0; i < 65536; i++) ENCODE_TABLE[i] = encodeSample(i - 32768);

const DECODE_TABLE = new Int16Array(256);
for (let i = 0; i < 256; i++) DECODE_TABLE[i] = decodeByte(i);

/** Each byte's decoded sample squared, for frame energy straight from mu-law. */
const SQUARE_TABLE = new Float64Array(256);
for (let i = 0; i < 256; i++) SQUARE_TABLE[i] = DECODE_TABLE[i]! * DECODE_TABLE[i]!;

/** Sum of the squared decoded samples: the energy of a frame without decoding it into an array. */
export function mulawSumOfSquares(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum += SQUARE_TABLE[bytes[i]!]!;
  return sum;
}

/** Signed 16-bit linear PCM at 8 kHz → mu-law bytes, one per sample. */
export function encodeMulaw(pcm: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = ENCODE_TABLE[pcm[i]! + 32768]!;
  return out;
}

/** Mu-law bytes → signed 16-bit linear PCM, one sample per byte. */
export function decodeMulaw(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = DECODE_TABLE[bytes[i]!]!;
  return out;
}
