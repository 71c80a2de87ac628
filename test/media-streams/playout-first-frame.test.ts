import assert from 'node:assert/strict';
import type { MediaStreamLogger } from '../../media-streams/logger.js';
import { FRAME_BYTES } from '../../media-streams/mulaw.js';
import { OutboundPacer } from '../../media-streams/outbound-pacer.js';
import { Playout } from '../../media-streams/playout.js';
import { HandClock } from './hand-clock.js';

function setup() {
  const clock = new HandClock();
  const frames: Buffer[] = [];
  const logger: MediaStreamLogger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: () => undefined };
  const sink = { sendFrame: (frame: Buffer) => frames.push(frame), sendMark: () => undefined };
  const playout: Playout = new Playout(() => pacer, sink, logger);
  const pacer = new OutboundPacer(clock, playout);
  return { clock, frames, playout };
}

/** Every pending microtask and I/O callback, but no tick of the (hand) clock. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Chunks handed over one by one, as a TTS stream's arrive. */
function chunkStream(): { source: AsyncIterable<Uint8Array>; send(chunk: Uint8Array): void } {
  const waiting: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  return {
    source: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (waiting.length) yield waiting.shift()!;
          await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    },
    send(chunk) {
      waiting.push(chunk);
      wake?.();
    },
  };
}

describe('media-streams playout: the first frame of a reply', () => {
  it('goes out from play() itself when the audio is in hand and nothing is playing', () => {
    const { frames, playout } = setup();
    playout.play(Buffer.alloc(FRAME_BYTES * 3, 0x11));
    assert.equal(frames.length, 1, 'no tick, no microtask: sent in the call');
  });

  it('goes out as its first chunk arrives after earlier audio played out, then one frame a tick', async () => {
    const { clock, frames, playout } = setup();
    playout.play(Buffer.alloc(FRAME_BYTES * 2, 0x11));
    for (let tick = 0; tick < 3; tick++) clock.tick();
    assert.equal(frames.length, 2);
    const stream = chunkStream();
    playout.play(stream.source);
    await settle();
    assert.equal(frames.length, 2, 'nothing before the audio');
    stream.send(Buffer.alloc(FRAME_BYTES * 3, 0x22));
    await settle();
    assert.equal(frames.length, 3, 'the first frame without waiting for a tick');
    await settle();
    assert.equal(frames.length, 3, 'and never ahead of real time: the rest wait for ticks');
    clock.tick();
    assert.equal(frames.length, 4);
  });
});
