import assert from 'node:assert/strict';
import type { TranscriptionStream } from '../../src/speech/index.js';
import { TranscriptionFeed } from '../../src/voice/stream/transcription-feed.js';

/** Records what the feed writes: one entry per `send`, as the frame numbers it carries. */
function recordingStream(): { stream: TranscriptionStream; writes: number[][] } {
  const writes: number[][] = [];
  const stream = { send: (audio: Uint8Array) => writes.push([...audio].filter((_byte, i) => i % 160 === 0)) } as unknown as TranscriptionStream;
  return { stream, writes };
}

function frame(n: number): Buffer {
  return Buffer.alloc(160, n);
}

describe('transcription feed', () => {
  it('sends every frame at once without a local VAD', () => {
    const { stream, writes } = recordingStream();
    const feed = new TranscriptionFeed(stream, { batching: false });
    for (let n = 0; n < 7; n++) feed.audio(frame(n), n * 20);
    assert.deepEqual(writes, [[0], [1], [2], [3], [4], [5], [6]]);
  });

  it('batches 200 ms of frames while the caller is quiet, and flushes in order when speech starts', () => {
    const { stream, writes } = recordingStream();
    const feed = new TranscriptionFeed(stream, { batching: true });
    for (let n = 0; n < 12; n++) feed.audio(frame(n), n * 20);
    assert.deepEqual(writes, [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    feed.speechStarted();
    feed.audio(frame(12), 240);
    assert.deepEqual(writes, [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10, 11], [12]]);
  });

  it('sends every frame at once until 1.5 s of stream time after speech stops, then batches again', () => {
    const { stream, writes } = recordingStream();
    const feed = new TranscriptionFeed(stream, { batching: true });
    feed.speechStarted();
    feed.speechStopped(1000);
    feed.audio(frame(1), 1400);
    feed.audio(frame(2), 2480);
    assert.deepEqual(writes, [[1], [2]]);
    for (let n = 3; n < 13; n++) feed.audio(frame(n), 2500 + n * 20);
    assert.deepEqual(writes, [[1], [2], [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]]);
  });

  it('batches again once the turn is taken, unless the caller is speaking', () => {
    const { stream, writes } = recordingStream();
    const feed = new TranscriptionFeed(stream, { batching: true });
    feed.speechStarted();
    feed.speechStopped(1000);
    feed.audio(frame(1), 1020);
    feed.turnTaken();
    for (let n = 2; n < 12; n++) feed.audio(frame(n), 1000 + n * 20);
    assert.deepEqual(writes, [[1], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]);
    feed.speechStarted();
    feed.turnTaken();
    feed.audio(frame(12), 1240);
    assert.deepEqual(writes, [[1], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [12]]);
  });

  it('flush sends what is held', () => {
    const { stream, writes } = recordingStream();
    const feed = new TranscriptionFeed(stream, { batching: true });
    feed.audio(frame(1), 0);
    feed.flush();
    feed.flush();
    assert.deepEqual(writes, [[1]]);
  });
});
