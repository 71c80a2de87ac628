import assert from 'node:assert/strict';
import { decodeMulaw, encodeMulaw, FRAME_BYTES, FRAME_MS, SAMPLE_RATE } from '../../media-streams/mulaw.js';
import { VoiceActivityDetector, frameEnergyDbfs, mulawFrameEnergyDbfs, type VoiceActivityEvent } from '../../media-streams/voice-activity.js';

/** A tone at `levelDbfs` RMS; `noiseDbfs` adds seeded white noise (reproducible). */
function signal(durationMs: number, options: { toneHz?: number; levelDbfs?: number; noiseDbfs?: number } = {}): Int16Array {
  const samples = new Int16Array((durationMs * SAMPLE_RATE) / 1000);
  const toneAmplitude = options.toneHz ? Math.SQRT2 * 32768 * 10 ** ((options.levelDbfs ?? -20) / 20) : 0;
  const noiseAmplitude = options.noiseDbfs === undefined ? 0 : Math.sqrt(3) * 32768 * 10 ** (options.noiseDbfs / 20);
  let seed = 12345;
  for (let i = 0; i < samples.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const noise = noiseAmplitude * ((seed / 2 ** 31) * 2 - 1);
    const tone = options.toneHz ? toneAmplitude * Math.sin((2 * Math.PI * options.toneHz * i) / SAMPLE_RATE) : 0;
    samples[i] = Math.max(-32768, Math.min(32767, Math.round(tone + noise)));
  }
  return samples;
}

function run(detector: VoiceActivityDetector, pcm: Int16Array, startMs: number): VoiceActivityEvent[] {
  const events: VoiceActivityEvent[] = [];
  for (let offset = 0, t = startMs; offset < pcm.length; offset += FRAME_BYTES, t += FRAME_MS) {
    const event = detector.push(pcm.subarray(offset, offset + FRAME_BYTES), t);
    if (event) events.push(event);
  }
  return events;
}

describe('media-streams voice activity detector', () => {
  it('measures the same level from mu-law bytes as from their decoded samples', () => {
    for (const frame of [signal(20, { toneHz: 300, levelDbfs: -12 }), signal(20, { noiseDbfs: -60 }), new Int16Array(FRAME_BYTES)]) {
      const mulaw = encodeMulaw(frame);
      assert.equal(mulawFrameEnergyDbfs(mulaw), frameEnergyDbfs(decodeMulaw(mulaw)));
    }
  });

  it('measures frame energy in dBFS', () => {
    assert.ok(Math.abs(frameEnergyDbfs(signal(20, { toneHz: 440, levelDbfs: -20 })) + 20) < 0.5);
    assert.equal(frameEnergyDbfs(new Int16Array(160)), -96);
  });

  it('stays quiet on silence', () => {
    assert.deepEqual(run(new VoiceActivityDetector(), signal(2000), 0), []);
  });

  it('reports a tone after silence with the timestamp of its first frame, and its end after the hangover', () => {
    const detector = new VoiceActivityDetector({ minSpeechMs: 60, hangoverMs: 400 });
    const events = [
      ...run(detector, signal(1000), 0),
      ...run(detector, signal(600, { toneHz: 300, levelDbfs: -25 }), 1000),
      ...run(detector, signal(1000), 1600),
    ];
    assert.deepEqual(events, [
      { type: 'speechStarted', atMs: 1000 },
      { type: 'speechStopped', atMs: 1600 },
    ]);
  });

  it('notices speech within 200 ms of it starting', () => {
    const detector = new VoiceActivityDetector();
    run(detector, signal(500, { noiseDbfs: -60 }), 0);
    const tone = signal(1000, { toneHz: 200, levelDbfs: -30, noiseDbfs: -60 });
    let detectedAtMs: number | undefined;
    for (let frame = 0; frame * FRAME_BYTES < tone.length && detectedAtMs === undefined; frame++) {
      const event = detector.push(tone.subarray(frame * FRAME_BYTES, (frame + 1) * FRAME_BYTES), 500 + frame * FRAME_MS);
      if (event?.type === 'speechStarted') detectedAtMs = frame * FRAME_MS + FRAME_MS;
    }
    assert.ok(detectedAtMs !== undefined && detectedAtMs <= 200, `detected after ${detectedAtMs} ms`);
  });

  it('learns a steady line noise as silence, and still hears speech over it', () => {
    const detector = new VoiceActivityDetector();
    assert.deepEqual(run(detector, signal(3000, { noiseDbfs: -35 }), 0), []);
    const events = run(detector, signal(500, { toneHz: 300, levelDbfs: -15, noiseDbfs: -35 }), 3000);
    assert.deepEqual(events.map((event) => event.type), ['speechStarted']);
  });

  it('ignores a click shorter than the minimum speech time', () => {
    const detector = new VoiceActivityDetector({ minSpeechMs: 60 });
    const events = [
      ...run(detector, signal(500), 0),
      ...run(detector, signal(20, { toneHz: 1000, levelDbfs: -6 }), 500),
      ...run(detector, signal(500), 520),
    ];
    assert.deepEqual(events, []);
  });

  it('keeps speech on across a pause shorter than the hangover', () => {
    const detector = new VoiceActivityDetector({ hangoverMs: 400 });
    const events = [
      ...run(detector, signal(300), 0),
      ...run(detector, signal(400, { toneHz: 250, levelDbfs: -20 }), 300),
      ...run(detector, signal(200), 700),
      ...run(detector, signal(400, { toneHz: 250, levelDbfs: -20 }), 900),
      ...run(detector, signal(600), 1300),
    ];
    assert.deepEqual(events, [
      { type: 'speechStarted', atMs: 300 },
      { type: 'speechStopped', atMs: 1300 },
    ]);
  });
});
