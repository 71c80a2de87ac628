import assert from 'node:assert/strict';
import { FRAME_BYTES, FRAME_MS } from '../../media-streams/mulaw.js';
import { INTERNAL_MARK_PREFIX } from '../../media-streams/playout.js';
import type { MediaStreamEvent } from '../../media-streams/session.js';
import type { OutboundRecord } from '../fakes/twilio-media.js';
import { Harness, eventually } from './harness.js';

/** Frames whose bytes carry the frame's number (mod 255, never 0xFF), so order is visible. */
function numberedAudio(frames: number): Buffer {
  const audio = Buffer.alloc(frames * FRAME_BYTES);
  for (let i = 0; i < frames; i++) audio.fill(i % 255, i * FRAME_BYTES, (i + 1) * FRAME_BYTES);
  return audio;
}

const media = (outbound: OutboundRecord[]) => outbound.filter((record) => record.event === 'media');
const userMarks = (outbound: OutboundRecord[]) =>
  outbound.flatMap((record) => (record.event === 'mark' && !record.name.startsWith(INTERNAL_MARK_PREFIX) ? [record.name] : []));

describe('media-streams playout over a real socket', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await Harness.start();
  });
  afterEach(() => harness.stop());

  it('sends 3 s of audio as 150 whole frames, in order, paced at 20 ms without running ahead', async function () {
    this.timeout(10_000);
    const { client, session } = await harness.call();
    const frames = 150;
    const playback = session.play(numberedAudio(frames));
    const result = await playback.done;
    assert.equal(result.outcome, 'played');
    assert.equal(result.heardMs, frames * FRAME_MS);
    const received = media(client.outbound);
    assert.equal(received.length, frames);
    received.forEach((record, i) => {
      assert.equal(record.payload.length, FRAME_BYTES);
      assert.equal(record.payload[0], i % 255, `frame ${i} out of order`);
    });
    // Timestamps relative to the first frame: never ahead of real time (one frame of lead, plus
    // slack for the first frame's own delivery); the exact drift figure is `npm run bench -- pacer`.
    const firstMs = received[0]!.arrivedAtMs;
    const relativeMs = received.map((record) => record.arrivedAtMs - firstMs);
    relativeMs.forEach((atMs, i) => {
      if (i > 0) assert.ok(atMs >= relativeMs[i - 1]!, 'arrival times go forward');
      assert.ok(atMs >= (i - 1) * FRAME_MS - FRAME_MS, `frame ${i} at ${atMs.toFixed(1)} ms is ahead of real time`);
    });
  });

  it('pads a stream of odd-sized chunks into whole frames, the last with 0xFF silence', async () => {
    const { client, session } = await harness.call();
    async function* tts() {
      for (let i = 0; i < 7; i++) {
        yield Buffer.alloc(100, 0x10 + i);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    assert.equal((await session.play(tts()).done).outcome, 'played');
    const received = media(client.outbound);
    assert.equal(received.length, Math.ceil(700 / FRAME_BYTES));
    assert.ok(received.every((record) => record.payload.length === FRAME_BYTES));
    const last = received.at(-1)!.payload;
    const realBytes = 700 % FRAME_BYTES;
    assert.ok(last.subarray(realBytes).every((byte) => byte === 0xff));
    assert.ok(last.subarray(0, realBytes).every((byte) => byte === 0x16));
  });

  it('plays playbacks one after another, each followed by its mark, echoed when heard', async () => {
    const { client, session } = await harness.call();
    const marks: Extract<MediaStreamEvent, { type: 'mark' }>[] = [];
    session.on('mark', (event) => marks.push(event));
    const first = session.play(numberedAudio(5), { mark: 'greeting' });
    const second = session.play(Buffer.alloc(FRAME_BYTES * 3, 0x42), { mark: 'question' });
    assert.ok(session.playing);
    assert.deepEqual(await Promise.all([first.done, second.done]), [
      { outcome: 'played', heardMs: 100, queuedMs: 100 },
      { outcome: 'played', heardMs: 60, queuedMs: 60 },
    ]);
    await eventually(() => marks.length === 2);
    assert.deepEqual(marks, [
      { type: 'mark', name: 'greeting', played: true },
      { type: 'mark', name: 'question', played: true },
    ]);
    assert.equal(session.lastPlayedMark, 'question');
    assert.ok(!session.playing);
    // On the wire, each mark comes right after the last frame of its audio.
    const wire = client.outbound.filter(
      (record) => record.event === 'media' || (record.event === 'mark' && !record.name.startsWith(INTERNAL_MARK_PREFIX)),
    );
    const greetingAt = wire.findIndex((record) => record.event === 'mark' && record.name === 'greeting');
    assert.equal(greetingAt, 5);
    assert.equal(wire.length, 5 + 1 + 3 + 1);
  });

  it('interleaves progress marks so a cut-off playback knows what was heard', async () => {
    const { client, session } = await harness.call();
    const marks: Extract<MediaStreamEvent, { type: 'mark' }>[] = [];
    session.on('mark', (event) => marks.push(event));
    const playback = session.play(numberedAudio(150), { mark: 'long-answer' });
    await client.waitFor((outbound) => media(outbound).length >= 30);
    await new Promise((resolve) => setTimeout(resolve, 100));
    session.clear();
    const result = await playback.done;
    assert.equal(result.outcome, 'cleared');
    assert.equal(result.queuedMs, 3000);
    assert.ok(result.heardMs >= 200 && result.heardMs < 3000, `heard ${result.heardMs} ms`);
    assert.equal(result.heardMs % 200, 0, 'heard up to a progress mark');
    await client.waitFor((outbound) => outbound.some((record) => record.event === 'clear'));
    const clearAt = client.outbound.findIndex((record) => record.event === 'clear');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(client.outbound.slice(clearAt + 1).filter((record) => record.event === 'media').length, 0, 'nothing after clear');
    assert.deepEqual(userMarks(client.outbound), [], 'the mark after the cut audio never went out');
    assert.equal(session.lastPlayedMark, undefined);
    assert.ok(!session.playing);
  });

  it('echoes a mark that a clear discarded as not played', async () => {
    const { client, session } = await harness.call({ playoutDelayMs: 1000 });
    const marks: Extract<MediaStreamEvent, { type: 'mark' }>[] = [];
    session.on('mark', (event) => marks.push(event));
    const playback = session.play(numberedAudio(10), { mark: 'short' });
    // All ten frames and the mark go out within 200 ms; with a second of playout delay the
    // caller has not heard them yet.
    await client.waitFor((outbound) => userMarks(outbound).length === 1);
    session.clear();
    assert.equal((await playback.done).outcome, 'cleared');
    await eventually(() => marks.length === 1);
    assert.deepEqual(marks, [{ type: 'mark', name: 'short', played: false }]);
    assert.equal(session.lastPlayedMark, undefined);
  });

  it('plays on after a clear', async () => {
    const { client, session } = await harness.call();
    session.play(numberedAudio(100));
    await client.waitFor((outbound) => media(outbound).length >= 3);
    session.clear();
    const sentBefore = media(client.outbound).length;
    const after = await session.play(Buffer.alloc(FRAME_BYTES * 4, 0x55), { mark: 'after' }).done;
    assert.equal(after.outcome, 'played');
    const newFrames = media(client.outbound).slice(sentBefore);
    assert.equal(newFrames.length, 4);
    assert.ok(newFrames.every((record) => record.payload[0] === 0x55));
    assert.equal(session.lastPlayedMark, 'after');
  });

  it('sends a standalone mark and refuses names reserved for progress marks', async () => {
    const { session } = await harness.call();
    const marks: string[] = [];
    session.on('mark', (event) => marks.push(event.name));
    session.mark('checkpoint');
    await eventually(() => marks.length === 1);
    assert.equal(session.lastPlayedMark, 'checkpoint');
    assert.throws(() => session.mark(`${INTERNAL_MARK_PREFIX}1:end`), /may not start/);
  });

  it('ends a playback whose source fails, logs it, and plays the next', async () => {
    const { session } = await harness.call();
    async function* broken() {
      yield Buffer.alloc(FRAME_BYTES, 1);
      throw new Error('TTS connection reset');
    }
    const failed = session.play(broken());
    const next = session.play(Buffer.alloc(FRAME_BYTES, 2));
    assert.equal((await failed.done).outcome, 'failed');
    assert.equal((await next.done).outcome, 'played');
    assert.ok(harness.logs.some((line) => line.message === 'media stream playback source failed'));
  });

  it('stops reading a source when its signal aborts', async () => {
    const { session } = await harness.call();
    const controller = new AbortController();
    let chunksRead = 0;
    async function* endless() {
      for (;;) {
        chunksRead++;
        yield Buffer.alloc(FRAME_BYTES, 3);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    const playback = session.play(endless(), { signal: controller.signal });
    await eventually(() => chunksRead >= 3);
    controller.abort();
    assert.equal((await playback.done).outcome, 'aborted');
    const readAtAbort = chunksRead;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(chunksRead <= readAtAbort + 1);
  });

  it('paces every call from one shared clock, which stops when all are idle', async () => {
    const calls = await Promise.all([harness.call(), harness.call(), harness.call()]);
    const playbacks = calls.map(({ session }) => session.play(numberedAudio(10)));
    await eventually(() => harness.mediaStreams.clock.listenerCount === 3);
    await Promise.all(playbacks.map((playback) => playback.done));
    for (const { client } of calls) assert.equal(media(client.outbound).length, 10);
    await eventually(() => !harness.mediaStreams.clock.running);
  });

  it('resolves playbacks as closed when the call ends', async () => {
    const { client, session } = await harness.call();
    const playback = session.play(numberedAudio(100));
    await client.waitFor((outbound) => media(outbound).length >= 2);
    session.close();
    assert.equal((await playback.done).outcome, 'closed');
    assert.equal((await client.closed).code, 1000);
    assert.equal(session.play(numberedAudio(1)).done instanceof Promise, true);
    assert.equal((await session.play(numberedAudio(1)).done).outcome, 'closed');
  });
});
