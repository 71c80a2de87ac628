// The softphone's microphone tap, an AudioWorklet: the sound card's samples become 160-byte
// mu-law frames (20 ms at 8 kHz), posted to the page, which sends each as a `media` message.
// Audio arrives in real time, so the frames leave at one per 20 ms without a timer.
import { Downsampler, FRAME_BYTES, encodeMulaw } from './softphone-audio.js';

class SoftphoneCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    // `sampleRate` is the AudioWorkletGlobalScope's: the context's rate.
    this.downsampler = new Downsampler(sampleRate);
    this.frame = new Uint8Array(FRAME_BYTES);
    this.filled = 0;
    this.peak = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (const sample of this.downsampler.push(channel)) {
      this.peak = Math.max(this.peak, Math.abs(sample) / 32768);
      this.frame[this.filled] = encodeMulaw(sample);
      this.filled += 1;
      if (this.filled === FRAME_BYTES) {
        this.port.postMessage({ frame: this.frame.buffer, level: this.peak }, [this.frame.buffer]);
        this.frame = new Uint8Array(FRAME_BYTES);
        this.filled = 0;
        this.peak = 0;
      }
    }
    return true;
  }
}

registerProcessor('softphone-capture', SoftphoneCapture);
