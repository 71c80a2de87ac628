import assert from 'node:assert/strict';
import { FRAME_BYTES } from '../../media-streams/mulaw.js';
import { OutboundPacer } from '../../media-streams/outbound-pacer.js';
import { HandClock } from './hand-clock.js';

type Sent = { frame: Buffer } | { mark: string };

function setup(maxCatchUpFrames?: number) {
  const clock = new HandClock();
  const sent: Sent[] = [];
  const pacer = new OutboundPacer(
    clock,
    { sendFrame: (frame) => sent.push({ frame }), sendMark: (mark) => sent.push({ mark }) },
    maxCatchUpFrames === undefined ? {} : { maxCatchUpFrames },
  );
  return { clock, sent, pacer };
}

/** Frames whose every byte is the frame's number, so order is visible. */
function numberedFrames(count: number): Buffer {
  const audio = Buffer.alloc(count * FRAME_BYTES);
  for (let i = 0; i < count; i++) audio.fill(i, i * FRAME_BYTES, (i + 1) * FRAME_BYTES);
  return audio;
}

const frames = (sent: Sent[]) => sent.flatMap((item) => ('frame' in item ? [item.frame] : []));

describe('media-streams outbound pacer', () => {
  it('sends the first frame at once, then exactly one whole frame per tick, in order', () => {
    const { clock, sent, pacer } = setup();
    pacer.push(numberedFrames(5));
    assert.equal(sent.length, 1, 'first frame without waiting for a tick');
    for (let tick = 1; tick <= 6; tick++) clock.tick();
    const out = frames(sent);
    assert.equal(out.length, 5);
    out.forEach((frame, i) => {
      assert.equal(frame.length, FRAME_BYTES);
      assert.ok(frame.every((byte) => byte === i));
    });
    assert.equal(clock.listeners.size, 0, 'leaves the shared clock when idle');
  });

  it('waits for a partial frame to fill rather than sending it short', () => {
    const { clock, sent, pacer } = setup();
    pacer.push(Buffer.alloc(100, 1));
    clock.tick();
    assert.equal(sent.length, 0);
    pacer.push(Buffer.alloc(100, 2));
    assert.equal(frames(sent).length, 1);
    assert.equal(pacer.queuedBytes, 40);
  });

  it('pads the last partial frame with 0xFF silence before a mark, and sends the mark right after it', () => {
    const { clock, sent, pacer } = setup();
    pacer.push(Buffer.alloc(FRAME_BYTES + 10, 7));
    pacer.pushMark('end');
    clock.tick();
    assert.equal(sent.length, 3);
    const last = (sent[1] as { frame: Buffer }).frame;
    assert.equal(last.length, FRAME_BYTES);
    assert.ok(last.subarray(0, 10).every((byte) => byte === 7));
    assert.ok(last.subarray(10).every((byte) => byte === 0xff));
    assert.deepEqual(sent[2], { mark: 'end' });
  });

  it('sends a mark on an idle line at once', () => {
    const { sent, pacer } = setup();
    pacer.pushMark('now');
    assert.deepEqual(sent, [{ mark: 'now' }]);
  });

  it('drops everything queued on clear', () => {
    const { clock, sent, pacer } = setup();
    pacer.push(numberedFrames(50));
    pacer.pushMark('never');
    pacer.clear();
    for (let tick = 0; tick < 60; tick++) clock.tick();
    assert.equal(frames(sent).length, 1);
    assert.ok(!sent.some((item) => 'mark' in item));
  });

  it('catches up after a late tick, but never by more than its cap', () => {
    const { clock, sent, pacer } = setup(5);
    pacer.push(numberedFrames(20));
    clock.tick(3);
    assert.equal(frames(sent).length, 1 + 3);
    clock.tick(50);
    assert.equal(frames(sent).length, 1 + 3 + 5);
  });

  it('does not burst after an underrun: audio that arrives late goes out one frame per tick', () => {
    const { clock, sent, pacer } = setup(5);
    pacer.push(Buffer.alloc(FRAME_BYTES + 1));
    for (let tick = 0; tick < 10; tick++) clock.tick();
    assert.equal(frames(sent).length, 1);
    pacer.push(numberedFrames(4));
    assert.equal(frames(sent).length, 2, 'one frame of credit, not ten');
    clock.tick();
    assert.equal(frames(sent).length, 3);
  });
});
