import assert from 'node:assert/strict';
import fc from 'fast-check';
import { clearMessage, inboundMessageSchema, markMessage, mediaMessage, mediaMessageEncoder, parseInboundMessage } from '../../media-streams/messages.js';

const start = {
  event: 'start',
  sequenceNumber: '1',
  streamSid: 'MZ1',
  start: {
    streamSid: 'MZ1',
    accountSid: 'AC1',
    callSid: 'CA1',
    tracks: ['inbound'],
    customParameters: { callToken: 'secret' },
    mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
  },
};

describe('media-streams message validation', () => {
  it('accepts every inbound event Twilio sends and turns numeric strings into numbers', () => {
    const inbound = [
      { event: 'connected', protocol: 'Call', version: '1.0.0' },
      start,
      { event: 'media', sequenceNumber: '2', streamSid: 'MZ1', media: { track: 'inbound', chunk: '1', timestamp: '20', payload: '//8=' } },
      { event: 'dtmf', sequenceNumber: '3', streamSid: 'MZ1', dtmf: { track: 'inbound_track', digit: '5' } },
      { event: 'mark', sequenceNumber: '4', streamSid: 'MZ1', mark: { name: 'greeting' } },
      { event: 'stop', sequenceNumber: '5', streamSid: 'MZ1', stop: { accountSid: 'AC1', callSid: 'CA1' } },
    ];
    const events = inbound.map((message) => {
      const parsed = parseInboundMessage(JSON.stringify(message));
      assert.ok(parsed.ok, JSON.stringify(parsed));
      return parsed.message;
    });
    assert.deepEqual(events.map((message) => message.event), ['connected', 'start', 'media', 'dtmf', 'mark', 'stop']);
    const media = events[2];
    assert.ok(media?.event === 'media');
    assert.equal(media.sequenceNumber, 2);
    assert.equal(media.media.timestamp, 20);
    assert.equal(media.media.chunk, 1);
    const parsedStart = events[1];
    assert.ok(parsedStart?.event === 'start');
    assert.deepEqual(parsedStart.start.customParameters, { callToken: 'secret' });
  });

  it('refuses numbers where Twilio sends strings, and names the field', () => {
    const parsed = parseInboundMessage(JSON.stringify({ ...start, sequenceNumber: 1 }));
    assert.ok(!parsed.ok);
    assert.equal(parsed.reason, 'invalid');
    assert.match(parsed.issues.join(), /sequenceNumber/);
  });

  it('refuses a media format other than 8 kHz mono mu-law', () => {
    const wrong = { ...start, start: { ...start.start, mediaFormat: { encoding: 'audio/l16', sampleRate: 16000, channels: 1 } } };
    assert.equal(parseInboundMessage(JSON.stringify(wrong)).ok, false);
  });

  it('refuses unknown events, bad payloads, bad digits and non-JSON without throwing', () => {
    assert.deepEqual(parseInboundMessage('{nope'), { ok: false, reason: 'not-json', issues: [] });
    assert.equal(parseInboundMessage('{"event":"hello"}').ok, false);
    assert.equal(parseInboundMessage('null').ok, false);
    const badPayload = { event: 'media', sequenceNumber: '2', streamSid: 'MZ1', media: { track: 'inbound', chunk: '1', timestamp: '0', payload: '%%%' } };
    assert.equal(parseInboundMessage(JSON.stringify(badPayload)).ok, false);
    const badDigit = { event: 'dtmf', sequenceNumber: '3', streamSid: 'MZ1', dtmf: { track: 'inbound_track', digit: '55' } };
    assert.equal(parseInboundMessage(JSON.stringify(badDigit)).ok, false);
  });

  it('does not quote values in its issues (custom parameters may hold personal data)', () => {
    const leaky = { ...start, start: { ...start.start, customParameters: { phone: 15551230001 } } };
    const parsed = parseInboundMessage(JSON.stringify(leaky));
    assert.ok(!parsed.ok);
    assert.doesNotMatch(parsed.issues.join(), /15551230001/);
  });

  it('builds the outbound messages Twilio expects', () => {
    assert.deepEqual(mediaMessage('MZ1', Buffer.from([0xff, 0xff])), { event: 'media', streamSid: 'MZ1', media: { payload: '//8=' } });
    assert.deepEqual(markMessage('MZ1', 'm'), { event: 'mark', streamSid: 'MZ1', mark: { name: 'm' } });
    assert.deepEqual(clearMessage('MZ1'), { event: 'clear', streamSid: 'MZ1' });
  });

  it('reads media messages on its fast path exactly as the schema does, and refuses what the schema refuses', () => {
    const media = { event: 'media', sequenceNumber: '7', streamSid: 'MZ1', extra: 1, media: { track: 'inbound', chunk: '3', timestamp: '40', payload: '//8=', more: 'x' } };
    assert.deepEqual(parseInboundMessage(JSON.stringify(media)), { ok: true, message: inboundMessageSchema.parse(media) });
    for (const broken of [
      { ...media, sequenceNumber: 7 },
      { ...media, streamSid: '' },
      { ...media, media: { ...media.media, timestamp: '-1' } },
      { ...media, media: { ...media.media, payload: '//8' } },
      { ...media, media: { ...media.media, track: undefined } },
    ]) {
      assert.equal(parseInboundMessage(JSON.stringify(broken)).ok, false, JSON.stringify(broken));
    }
  });

  it('accepts exactly the payloads the schema accepts, apart from the URL-safe alphabet', () => {
    const media = (payload: string) => JSON.stringify({ event: 'media', sequenceNumber: '1', streamSid: 'MZ1', media: { track: 'inbound', chunk: '1', timestamp: '0', payload } });
    const schemaAccepts = (payload: string) => inboundMessageSchema.safeParse(JSON.parse(media(payload))).success;
    // Mostly the alphabet, with padding and junk where a malformed payload would have it.
    const character = fc.constantFrom(...'ABCXYZabxyz0189+/=', ' ', '%', '.', '\n');
    fc.assert(
      fc.property(fc.array(character, { maxLength: 24 }).map((chars) => chars.join('')), (payload) => {
        assert.equal(parseInboundMessage(media(payload)).ok, schemaAccepts(payload), JSON.stringify(payload));
      }),
      { numRuns: 2000 },
    );
    for (const payload of ['', '//8=', '/w==', 'AAAA', Buffer.alloc(160, 0xff).toString('base64'), 'A===', 'AB=C', '=AAA', 'AAAA====', 'AA AA A=']) {
      assert.equal(parseInboundMessage(media(payload)).ok, schemaAccepts(payload), JSON.stringify(payload));
    }
    // A payload too long for the scratch buffer is still checked.
    assert.equal(parseInboundMessage(media('A'.repeat(8000))).ok, true);
    assert.equal(parseInboundMessage(media(`${'A'.repeat(7996)}A%AA`)).ok, false);
  });

  it('encodes outbound frames as the same JSON as mediaMessage, from views of larger buffers too', () => {
    const encode = mediaMessageEncoder('MZ"1');
    const backing = Buffer.from([1, 2, 0xff, 0xff, 3]);
    assert.deepEqual(JSON.parse(encode(backing.subarray(2, 4))), mediaMessage('MZ"1', Buffer.from([0xff, 0xff])));
    assert.deepEqual(JSON.parse(encode(new Uint8Array(backing.buffer, backing.byteOffset + 2, 2))), mediaMessage('MZ"1', Buffer.from([0xff, 0xff])));
  });
});
