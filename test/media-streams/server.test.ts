import assert from 'node:assert/strict';
import { UpgradeRefused } from '../fakes/twilio-media.js';
import { signedUrl } from '../../media-streams/server.js';
import type { MediaStreamEvent } from '../../media-streams/session.js';
import { encodeMulaw } from '../../media-streams/mulaw.js';
import { AUTH_TOKEN, CALL_TOKEN, Harness, eventually } from './harness.js';

describe('media-streams websocket server (real sockets)', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await Harness.start();
  });
  afterEach(() => harness.stop());

  it('signs over the public wss URL of the path Twilio asked for', () => {
    assert.equal(signedUrl('https://frontdesk.example/', '/media-streams'), 'wss://frontdesk.example/media-streams');
    assert.equal(signedUrl('http://localhost:3000', '/media-streams'), 'ws://localhost:3000/media-streams');
  });

  for (const [name, signature] of [
    ['unsigned', null],
    ['wrongly signed', 'bm90IGEgc2lnbmF0dXJl'],
  ] as const) {
    it(`refuses a ${name} upgrade with 403 and opens nothing`, async () => {
      await assert.rejects(harness.connect({ signature }), (error: unknown) => {
        assert.ok(error instanceof UpgradeRefused);
        assert.equal(error.statusCode, 403);
        return true;
      });
      assert.equal(harness.mediaStreams.openStreams, 0);
      assert.equal(harness.sessions.length, 0);
    });
  }

  it('refuses an upgrade signed with another token or for another URL', async () => {
    await assert.rejects(harness.connect({ authToken: 'someone-else' }), { statusCode: 403 });
    await assert.rejects(harness.connect({ signedUrl: 'wss://evil.example/media-streams' }), { statusCode: 403 });
    await assert.rejects(harness.connect({ authToken: AUTH_TOKEN, signedUrl: 'https://frontdesk.example/media-streams' }), {
      statusCode: 403,
    });
  });

  it('closes the stream when start carries a bad call token, without a session', async () => {
    const client = await harness.connect();
    client.start({ callToken: 'stolen' });
    const closed = await client.closed;
    assert.equal(closed.code, 1008);
    assert.equal(harness.sessions.length, 0);
  });

  it('closes the stream when the authoriser throws', async () => {
    await harness.stop();
    harness = await Harness.start({
      authorizeStart: () => {
        throw new Error('database down');
      },
    });
    const client = await harness.connect();
    client.start({ callToken: CALL_TOKEN });
    assert.equal((await client.closed).code, 1008);
    assert.ok(harness.logs.some((line) => line.level === 'error' && /authorisation failed/.test(line.message)));
  });

  it('closes a stream that never sends start', async () => {
    await harness.stop();
    harness = await Harness.start({ startTimeoutMs: 100 });
    const client = await harness.connect();
    assert.equal((await client.closed).code, 1008);
  });

  it('refuses an upgrade with 503 when admission says the process is full', async () => {
    await harness.stop();
    harness = await Harness.start({ admit: (openStreams) => openStreams < 1 });
    await harness.call();
    await assert.rejects(harness.connect(), { statusCode: 503 });
  });

  it('hands over an authorised stream with its start, and delivers audio decoded with its timestamp', async () => {
    const { client, session } = await harness.call();
    assert.equal(session.start.streamSid, client.streamSid);
    assert.deepEqual(session.start.customParameters, { callToken: CALL_TOKEN });
    const audio: Extract<MediaStreamEvent, { type: 'audio' }>[] = [];
    session.on('audio', (event) => audio.push(event));
    const pcm = Int16Array.from({ length: 320 }, (_, i) => (i % 2 ? 1000 : -1000));
    client.sendAudio(encodeMulaw(pcm));
    await eventually(() => audio.length === 2);
    assert.deepEqual(audio.map((event) => event.timestampMs), [0, 20]);
    assert.equal(audio[0]!.mulaw.length, 160);
    assert.deepEqual([...audio[1]!.pcm.subarray(0, 2)], [-988, 988]);
  });

  it('keeps audio that arrives while the call token is being checked', async () => {
    await harness.stop();
    harness = await Harness.start({
      authorizeStart: async (start) => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return start.customParameters.callToken === CALL_TOKEN;
      },
    });
    const audioChunks: number[] = [];
    const opened = new Promise<void>((resolve) => {
      harness.onSession = (session) => {
        session.on('audio', (event) => audioChunks.push(event.chunk));
        resolve();
      };
    });
    const client = await harness.connect();
    client.start({ callToken: CALL_TOKEN });
    client.sendAudio(Buffer.alloc(160 * 5, 0xff));
    await opened;
    await eventually(() => audioChunks.length === 5);
    assert.deepEqual(audioChunks, [1, 2, 3, 4, 5]);
  });

  it('delivers DTMF digits', async () => {
    const { client, session } = await harness.call();
    const digits: string[] = [];
    session.on('dtmf', (event) => digits.push(event.digit));
    for (const digit of '5550#') client.sendDtmf(digit);
    await eventually(() => digits.length === 5);
    assert.equal(digits.join(''), '5550#');
  });

  it('ignores malformed messages, logs them, and keeps the call', async () => {
    const { client, session } = await harness.call();
    const digits: string[] = [];
    session.on('dtmf', (event) => digits.push(event.digit));
    client.sendRaw('{not json');
    client.sendRaw(JSON.stringify({ event: 'media', streamSid: client.streamSid }));
    client.sendRaw(JSON.stringify({ event: 'surprise' }));
    client.sendDtmf('1');
    await eventually(() => digits.length === 1);
    assert.ok(client.open);
    const warnings = harness.logs.filter((line) => line.message === 'malformed media stream message ignored');
    assert.equal(warnings.length, 3);
  });

  it('survives a listener that throws', async () => {
    const { client, session } = await harness.call();
    const digits: string[] = [];
    session.on('dtmf', () => {
      throw new Error('bug in the app');
    });
    session.on('dtmf', (event) => digits.push(event.digit));
    client.sendDtmf('7');
    client.sendDtmf('8');
    await eventually(() => digits.length === 2);
    assert.ok(harness.logs.some((line) => line.message === 'media stream listener failed'));
  });

  it('streams events as an async iterable that ends with stop', async () => {
    const { client, session } = await harness.call();
    const events = session.events();
    client.sendAudio(Buffer.alloc(160, 0xff));
    client.sendDtmf('3');
    client.sendStop();
    const types: string[] = [];
    for await (const event of events) types.push(event.type);
    assert.deepEqual(types, ['start', 'audio', 'dtmf', 'stop']);
    assert.ok(session.stopped);
    assert.equal((await client.closed).code, 1000);
  });

  it('reports a dropped socket as stop', async () => {
    const { client, session } = await harness.call();
    const stops: string[] = [];
    session.on('stop', (event) => stops.push(event.reason));
    client.close();
    await eventually(() => stops.length === 1);
    assert.deepEqual(stops, ['disconnected']);
    await eventually(() => harness.mediaStreams.openStreams === 0);
  });

  it('reports speech start and stop from the local VAD', async () => {
    const { client, session } = await harness.call();
    const events: MediaStreamEvent[] = [];
    session.on('speechStarted', (event) => events.push(event));
    session.on('speechStopped', (event) => events.push(event));
    const tone = Int16Array.from({ length: 8000 * 0.5 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / 8000)));
    client.sendAudio(Buffer.alloc(160 * 25, 0xff));
    client.sendAudio(encodeMulaw(tone));
    client.sendAudio(Buffer.alloc(160 * 50, 0xff));
    await eventually(() => events.length === 2);
    assert.deepEqual(events, [
      { type: 'speechStarted', atMs: 500 },
      { type: 'speechStopped', atMs: 1000 },
    ]);
  });
});
