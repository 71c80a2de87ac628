// Audio arithmetic shared by the softphone page and its capture worklet: G.711 mu-law (as Twilio
// Media Streams carry it) and the step down from the sound card's rate to 8 kHz. Plain browser
// JavaScript with no imports, so the worklet can load it too.

export const SAMPLE_RATE = 8000;
/** 20 ms of 8 kHz mu-law: what one Media Streams `media` message carries. */
export const FRAME_BYTES = 160;

const BIAS = 0x84;
const CLIP = 32635;

/** One 16-bit linear sample to its mu-law byte (ITU-T G.711). */
export function encodeMulaw(sample) {
  let value = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = value < 0 ? 0x80 : 0;
  if (sign) value = -value;
  value = Math.min(value, CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (value & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = (value >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** One mu-law byte to its 16-bit linear sample. */
export function decodeMulaw(byte) {
  const value = ~byte & 0xff;
  const exponent = (value >> 4) & 0x07;
  const magnitude = ((((value & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  return value & 0x80 ? 0 - magnitude : magnitude;
}

/**
 * Sound-card samples (floats in -1…1, e.g. 48 kHz) to 8 kHz 16-bit samples. Each output sample
 * is the average of the input over its own span (fractional at the edges, so 44.1 kHz works
 * too): a box filter that keeps most of what lies above 4 kHz from folding back into the call.
 * Keeps its place between blocks, since the worklet hands over 128 samples at a time.
 */
export class Downsampler {
  constructor(inputRate, outputRate = SAMPLE_RATE) {
    if (!(inputRate >= outputRate)) throw new Error(`cannot downsample from ${inputRate} Hz to ${outputRate} Hz`);
    this.ratio = inputRate / outputRate;
    this.sum = 0;
    this.filled = 0;
  }

  /** The 16-bit samples completed by this block (none, one or several). */
  push(block) {
    const out = [];
    for (let i = 0; i < block.length; i += 1) {
      const x = Math.max(-1, Math.min(1, block[i]));
      const room = this.ratio - this.filled;
      if (room > 1) {
        this.sum += x;
        this.filled += 1;
        continue;
      }
      this.sum += x * room;
      out.push(Math.round((this.sum / this.ratio) * 32767));
      this.sum = x * (1 - room);
      this.filled = 1 - room;
    }
    return out;
  }
}
