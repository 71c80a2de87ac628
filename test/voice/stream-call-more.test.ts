import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import pino from 'pino';
import { BusinessDirectory } from '../../src/config/business-directory.js';
import { createScheduler } from '../../src/scheduling/scheduler.js';
import { createLocalCalendarProvider } from '../../src/scheduling/local-calendar-provider.js';
import { callPhrases } from '../../src/voice/stream/call-phrases.js';
import type { DropSwitch, FakeDeepgramConnection } from '../fakes/deepgram.js';
import { toneFor } from '../fakes/elevenlabs.js';
import type { TwilioMediaClient } from '../fakes/twilio-media.js';
import { exampleBusinesses } from '../support/businesses.js';
import { signedPost } from '../support/frontdesk.js';
import { OVERLAP_AUDIT } from '../support/scheduling.js';
import { startVoiceRig, storedCall, TEST_TUNING, storedTurns, TestCall, until, utterance, type VoiceRig } from './call-harness.js';

const { salon } = exampleBusinesses();
const NOW = DateTime.fromISO('2026-12-01T10:00', { zone: salon.timeZone }).toJSDate();
const at = (iso: string) => DateTime.fromISO(iso, { zone: salon.timeZone }).toJSDate();

/** Everything the agent sent on the stream from outbound record `index` on, as one mu-law buffer. */
function audioFrom(client: TwilioMediaClient, index: number): Buffer {
  return Buffer.concat(client.outbound.slice(index).flatMap((record) => (record.event === 'media' ? [record.payload] : [])));
}

/** The cached apology as the ElevenLabs fake synthesised it (the phrase cache holds exactly these bytes). */
function apologyAudio(rig: VoiceRig): Buffer {
  return toneFor(callPhrases(salon).apology!, rig.elevenlabs.msPerCharacter);
}

/**
 * Waits until the stream-ended route would carry the call on in `<Gather>` mode, then asks it as
 * Twilio does after `<Connect>` ends.
 */
async function streamEnded(rig: VoiceRig, callSid: string): Promise<string> {
  await until(
    async () => (await rig.app.db.dataSource.query(`SELECT dialog_state->>'streamEnd' AS ending FROM calls WHERE call_sid = $1`, [callSid]))[0]?.ending,
    (ending) => ending !== null && ending !== undefined,
  );
  const response = await signedPost(rig.app, '/twilio/voice/stream-ended', { CallSid: callSid, To: salon.phoneNumbers[0]! });
  return response.text();
}

describe('media-stream calls, more', function () {
  this.timeout(60_000);
  let rig: VoiceRig;

  before(async () => {
    rig = await startVoiceRig({ now: NOW });
  });
  after(async () => rig.close());

  it("cancels the caller's own booking: booking cancelled, cancellation queued, outcome stored", async () => {
    const caller = '+15551230021';
    const scheduler = createScheduler({
      dataSource: rig.app.db.dataSource,
      businesses: new BusinessDirectory([salon]),
      calendar: createLocalCalendarProvider(),
      logger: pino({ level: 'silent' }),
      now: () => NOW,
    });
    const { booking } = await scheduler.book({ businessId: salon.id, serviceId: 'womens-cut', start: at('2026-12-03T11:00'), customer: { phone: caller }, channel: 'sms' });

    rig.deepgram.script('hi I need to cancel my appointment', 'yes please');
    const call = new TestCall(rig, caller);
    await call.connect(await call.answer());
    await call.agentDone();
    await call.say();
    await call.agentDone();
    await call.say(utterance(300));
    await call.agentDone();
    await call.hangUp();

    const row = await until(() => storedCall(rig, call.callSid), (value) => value.outcome === 'cancelled');
    assert.equal(row.outcome, 'cancelled');
    const [stored] = await rig.app.db.dataSource.query(`SELECT status FROM bookings WHERE id = $1`, [booking.id]);
    assert.equal(stored.status, 'cancelled');
    const outbox = await rig.app.db.dataSource.query(`SELECT payload FROM outbox WHERE booking_id = $1 AND kind = 'confirmation' ORDER BY created_at`, [booking.id]);
    assert.deepEqual(
      outbox.map((entry: { payload: { change: string } }) => entry.payload.change),
      ['booked', 'cancelled'],
      'a cancellation confirmation after the booking one',
    );
    const turns = await until(() => storedTurns(rig, call.callSid), (rows) => rows.length >= 5);
    assert.match(turns[2]!.text, /Shall I cancel it\?/);
    assert.match(turns[4]!.text, /cancelled/);
  });

  it('takes a withheld caller\'s number from the keypad and books under it', async () => {
    rig.deepgram.script("hi I'd like a haircut tomorrow at four pm", 'Jane Doe', 'yes');
    const call = new TestCall(rig, 'anonymous');
    await call.connect(await call.answer());
    await call.agentDone();
    await call.say();
    await call.agentDone();
    await call.say(utterance(400));
    await call.agentDone();
    let turns = await until(() => storedTurns(rig, call.callSid), (rows) => rows.length >= 5);
    assert.match(turns.at(-1)!.text, /what number should we text the confirmation to\?/);

    call.mark = performance.now();
    for (const digit of '2125550123#') call.client.sendDtmf(digit);
    await call.agentDone();
    turns = await until(() => storedTurns(rig, call.callSid), (rows) => rows.length >= 7);
    assert.equal(turns[5]!.text, '2125550123', 'the keyed number is the caller turn');
    assert.match(turns[6]!.text, /Shall I book it\?/);
    await call.say(utterance(300));
    await call.agentDone();
    await call.hangUp();

    const row = await until(() => storedCall(rig, call.callSid), (value) => value.outcome === 'booked');
    assert.equal(row.outcome, 'booked');
    const [booking] = await rig.app.db.dataSource.query(
      `SELECT b.starts_at, c.phone, c.name FROM bookings b JOIN customers c ON c.id = b.customer_id WHERE b.starts_at = $1 AND b.status <> 'cancelled'`,
      [at('2026-12-02T16:00')],
    );
    assert.ok(booking, 'a booking at 4 pm tomorrow');
    assert.equal(booking.phone, '+12125550123');
    assert.equal(booking.name, 'Jane Doe');
  });

  it('falls back to <Gather> with the apology when Deepgram drops mid-call', async () => {
    // The fake reads this switch on every audio write: armed once the first exchange is over, the
    // next audio Deepgram receives ends the connection (a TCP drop, 1006 for the SDK).
    const drop: DropSwitch = { afterAudioMs: Number.MAX_SAFE_INTEGER };
    rig.deepgram.dropNext(1, drop);
    rig.deepgram.script("hi I'd like a haircut tomorrow at five pm");
    const call = new TestCall(rig, '+15551230023');
    await call.connect(await call.answer());
    const transcription = rig.deepgram.connections.at(-1)!;
    await call.agentDone();
    await call.say();
    await call.agentDone();

    const heardBefore = call.client.outbound.length;
    call.mark = performance.now();
    drop.afterAudioMs = 0;
    await rig.deepgram.until(() => transcription.closed);
    assert.ok((await call.ear.waitForSound(call.mark, 5000)) !== undefined, 'the caller hears something after the drop');
    await call.client.closed;
    call.microphone.stop();
    assert.ok(audioFrom(call.client, heardBefore).includes(apologyAudio(rig)), 'the cached apology was played whole');

    const twiml = await streamEnded(rig, call.callSid);
    assert.match(twiml, /<Gather [^>]*action="\/twilio\/voice\/gather\?turn=3"/);
    assert.match(twiml, /Sorry about that, the line is giving me trouble\. If we get cut off, I'll text you\. So that's a .* Shall I book it\?/);
    const gather = await signedPost(rig.app, '/twilio/voice/gather?turn=3', { CallSid: call.callSid, SpeechResult: 'yes' });
    assert.match(await gather.text(), /booked/);
    assert.equal((await storedCall(rig, call.callSid)).outcome, 'booked');
  });

  it('plays the cached apology when the TTS hangs on a reply, and carries on in <Gather> mode', async () => {
    rig.deepgram.script("hi I'd like a haircut tomorrow at six pm");
    const call = new TestCall(rig, '+15551230024');
    await call.connect(await call.answer());
    await call.agentDone();
    // The reply's request and its one retry are never answered.
    rig.elevenlabs.hangNext(2);
    const requestsBefore = rig.elevenlabs.requests.length;
    const heardBefore = call.client.outbound.length;
    await call.say();
    await call.client.closed;
    call.microphone.stop();
    const asked = rig.elevenlabs.requests.slice(requestsBefore);
    assert.equal(asked.length, 2, 'one attempt and one retry');
    assert.ok(asked.every((request) => /Shall I book it\?/.test(request.text) && request.aborted));
    assert.ok(audioFrom(call.client, heardBefore).includes(apologyAudio(rig)), 'the cached apology was played whole');

    const turns = await until(() => storedTurns(rig, call.callSid), (rows) => rows.length >= 3);
    assert.match(turns[2]!.text, /Shall I book it\?/);
    assert.equal(turns[2]!.heard_text, '', 'none of the reply was heard');
    const twiml = await streamEnded(rig, call.callSid);
    assert.match(twiml, /Sorry about that, the line is giving me trouble\. If we get cut off, I'll text you\. So that's a .* Shall I book it\?/, 'the unheard question is asked again');
  });
});

describe('media-stream calls, twenty at once', function () {
  this.timeout(60_000);
  let rig: VoiceRig;

  // Callers take turns to start speaking (below), so one may wait a few seconds for its turn:
  // the reprompt must not come first.
  before(async () => {
    rig = await startVoiceRig({ now: NOW, tuning: { ...TEST_TUNING, silenceRepromptMs: 30_000 } });
  });
  after(async () => rig.close());

  it('carries 20 calls at once, each booking its own time, with no overlapping bookings', async () => {
    const days = ['tomorrow', 'on thursday', 'on friday'];
    const hours = ['ten am', 'eleven am', 'two pm', 'three pm', 'four pm', 'five pm', 'six pm'];
    const requests = days.flatMap((day) => hours.map((hour) => `I'd like a haircut ${day} at ${hour}`)).slice(0, 20);
    // The Deepgram fake hands out scripted transcripts in the order utterances start, across all
    // its connections: each caller takes a turn at starting to speak, and nothing else is serialised.
    let turnToSpeak = Promise.resolve();
    const speak = (call: TestCall, transcription: FakeDeepgramConnection, transcript: string, audio: Buffer): Promise<void> => {
      const spoken = turnToSpeak.then(async () => {
        const startedBefore = transcription.sent.filter((message) => message.type === 'SpeechStarted').length;
        rig.deepgram.script(transcript);
        const said = call.say(audio);
        await rig.deepgram.until(() => transcription.sent.filter((message) => message.type === 'SpeechStarted').length > startedBefore);
        return said;
      });
      // A failure reaches the caller awaiting `spoken`; the next caller still gets its turn.
      turnToSpeak = spoken.then(
        () => undefined,
        () => undefined,
      );
      return spoken;
    };

    const calls: { call: TestCall; transcription: FakeDeepgramConnection }[] = [];
    for (let index = 0; index < requests.length; index++) {
      const call = new TestCall(rig, `+1555123${String(1000 + index)}`);
      const opened = rig.deepgram.connections.length;
      const twiml = await call.answer();
      // Answers are awaited one by one, so the connection this answer opened is the newest.
      assert.equal(rig.deepgram.connections.length, opened + 1);
      calls.push({ call, transcription: rig.deepgram.connections.at(-1)! });
      await call.connect(twiml);
    }
    assert.equal(new Set(calls.map((entry) => entry.transcription)).size, 20, 'one transcription per call');

    await Promise.all(
      calls.map(async ({ call, transcription }, index) => {
        await call.agentDone();
        await speak(call, transcription, requests[index]!, utterance());
        await call.agentDone();
        await speak(call, transcription, 'yes', utterance(300));
        await until(() => storedCall(rig, call.callSid), (row) => row.outcome !== null, 20_000);
        await call.agentDone();
        await call.hangUp();
      }),
    );

    const outcomes = await Promise.all(calls.map(({ call }) => storedCall(rig, call.callSid)));
    assert.deepEqual(outcomes.map((row) => row.outcome), calls.map(() => 'booked'));
    const starts: { starts_at: Date }[] = await rig.app.db.dataSource.query(
      `SELECT b.starts_at FROM bookings b JOIN customers c ON c.id = b.customer_id WHERE c.phone LIKE '+1555123%' AND b.status <> 'cancelled'`,
    );
    assert.equal(new Set(starts.map((row) => row.starts_at.toISOString())).size, 20, 'twenty different times');
    const [overlaps] = await rig.app.db.dataSource.query(OVERLAP_AUDIT);
    assert.equal(overlaps.n, 0);
  });
});
