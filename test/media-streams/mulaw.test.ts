import assert from 'node:assert/strict';
import {
  FRAME_BYTES,
  FRAME_MS,
  SAMPLE_RATE,
  decodeMulaw,
  encodeMulaw,
} from '../../media-streams/mulaw.js';

describe('media-streams mu-law codec', () => {
  it('agrees with the frame constants Twilio uses', () => {
    assert.equal(SAMPLE_RATE, 8000);
    assert.equal(FRAME_MS, 20);
    assert.equal(FRAME_BYTES, (SAMPLE_RATE * FRAME_MS) / 1000);
  });

  it('encodes known G.711 values', () => {
    const encoded = encodeMulaw(Int16Array.from([0, 32767, -32768, 1000, -1000, 8, -8]));
    // Reference values from the ITU G.711 mu-law segment table.
    assert.deepEqual([...encoded], [0xff, 0x80, 0x00, 0xce, 0x4e, 0xfe, 0x7e]);
  });

  it('decodes known G.711 values', () => {
    const decoded = decodeMulaw(Uint8Array.from([0xff, 0x7f, 0x80, 0x00, 0xce, 0x4e]));
    assert.deepEqual([...decoded], [0, 0, 32124, -32124, 988, -988]);
  });

  it('round-trips every byte exactly (except negative zero, which decodes to 0)', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const again = encodeMulaw(decodeMulaw(all));
    for (let i = 0; i < 256; i++) assert.equal(again[i], i === 0x7f ? 0xff : i, `byte ${i}`);
  });

  it('round-trips PCM within the quantisation step of its segment', () => {
    for (let sample = -32768; sample <= 32767; sample += 7) {
      const back = decodeMulaw(encodeMulaw(Int16Array.of(sample)))[0]!;
      const magnitude = Math.min(Math.abs(sample), 32635);
      // A segment's step is 2^(exponent+3); relative error stays within ~1/16 plus the floor.
      const tolerance = Math.max(8, magnitude / 16) + (Math.abs(sample) - magnitude);
      assert.ok(Math.abs(back - sample) <= tolerance, `${sample} → ${back}`);
    }
  });

  it('encodes a frame of zeros as 0xFF silence', () => {
    const silence = encodeMulaw(new Int16Array(FRAME_BYTES));
    assert.equal(silence.length, FRAME_BYTES);
    assert.ok(silence.every((byte) => byte === 0xff));
  });
});
