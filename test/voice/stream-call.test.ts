import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { TwilioMediaClient, UpgradeRefused } from '../fakes/twilio-media.js';
import { exampleBusinesses } from '../support/businesses.js';
import { BusinessDirectory } from '../../src/config/business-directory.js';
import { composeCallFollowUp } from '../../src/jobs/call-follow-up.js';
import { sid, signedPost } from '../support/frontdesk.js';
import { startVoiceRig, TestCall, utterance, type VoiceRig } from './call-harness.js';

const { salon } = exampleBusinesses();
const NOW = DateTime.fromISO('2026-12-01T10:00', { zone: salon.timeZone }).toJSDate();

interface TurnRow {
  speaker: string;
  text: string;
  heard_text: string | null;
  interrupted: boolean;
  timings: Record<string, number>;
}

async function callRow(rig: VoiceRig, callSid: string): Promise<{ id: string; outcome: string | null; media_mode: string; stream_token: string | null }> {
  const [row] = await rig.app.db.dataSource.query(`SELECT id, outcome, media_mode, stream_token FROM calls WHERE call_sid = $1`, [callSid]);
  return row;
}

async function turnsOf(rig: VoiceRig, callSid: string): Promise<TurnRow[]> {
  return rig.app.db.dataSource.query(
    `SELECT t.speaker, t.text, t.heard_text, t.interrupted, t.timings FROM call_turns t JOIN calls c ON c.id = t.call_id
      WHERE c.call_sid = $1 ORDER BY t.seq`,
    [callSid],
  );
}

async function followUpsOf(rig: VoiceRig, callSid: string): Promise<{ id: string }[]> {
  return rig.app.db.dataSource.query(
    `SELECT o.id FROM outbox o JOIN calls c ON o.payload->>'callId' = c.id::text WHERE o.kind = 'call-follow-up' AND c.call_sid = $1`,
    [callSid],
  );
}

/** The session stores a turn just after it is spoken: poll rather than sleep. */
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || performance.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('media-stream calls', function () {
  this.timeout(30_000);
  let rig: VoiceRig;

  before(async () => {
    rig = await startVoiceRig({ now: NOW });
  });
  after(async () => rig.close());

  it('books a haircut over the stream: booking, confirmation queued, call and turns stored', async () => {
    rig.deepgram.script("hi I'd like a haircut tomorrow at three pm", 'yes');
    const call = new TestCall(rig, '+15551230011');
    const twiml = await call.answer();
    assert.match(twiml, /<Connect><Stream url="ws:\/\/[^"]+\/media-streams"><Parameter name="callToken" value="[^"]+"\/><\/Stream><\/Connect><Redirect method="POST">\/twilio\/voice\/stream-ended<\/Redirect>/);
    await call.connect(twiml);
    await call.agentDone();
    await call.say();
    await call.agentDone();
    await call.say(utterance(300));
    await call.agentDone();
    await call.hangUp();

    const row = await until(() => callRow(rig, call.callSid), (value) => value.outcome === 'booked');
    assert.equal(row.outcome, 'booked');
    assert.equal(row.media_mode, 'stream');
    assert.equal(row.stream_token, null, 'the token opens one stream only');
    const [booking] = await rig.app.db.dataSource.query(
      `SELECT b.id, b.starts_at FROM bookings b JOIN customers c ON c.id = b.customer_id WHERE c.phone = '+15551230011'`,
    );
    assert.ok(booking, 'a booking row');
    assert.equal(DateTime.fromJSDate(booking.starts_at, { zone: salon.timeZone }).toFormat('yyyy-MM-dd HH:mm'), '2026-12-02 15:00');
    const [outbox] = await rig.app.db.dataSource.query(`SELECT kind FROM outbox WHERE booking_id = $1 AND kind = 'confirmation'`, [booking.id]);
    assert.ok(outbox, 'a confirmation outbox row');

    const turns = await until(() => turnsOf(rig, call.callSid), (rows) => rows.length >= 5);
    assert.deepEqual(turns.map((turn) => turn.speaker), ['agent', 'caller', 'agent', 'caller', 'agent']);
    assert.equal(turns[0]!.text, salon.greeting);
    assert.equal(turns[1]!.text, "hi I'd like a haircut tomorrow at three pm");
    assert.match(turns[2]!.text, /Shall I book it\?/);
    assert.match(turns[4]!.text, /booked/);
    assert.ok(turns.every((turn) => !turn.interrupted && (turn.speaker === 'caller' || turn.heard_text === turn.text)));
    assert.ok('understanding' in turns[1]!.timings && 'endpointing' in turns[1]!.timings, 'caller turns carry stage timings');
    assert.ok('tts_first_byte' in turns[2]!.timings, 'agent turns carry the TTS first byte');
  });

  it('stops talking when the caller barges in, cancels the synthesis, and stores only what was heard', async () => {
    rig.deepgram.script("hi I'd like a haircut tomorrow at three pm", 'actually make it friday');
    const call = new TestCall(rig, '+15551230012');
    await call.connect(await call.answer());
    await call.agentDone();
    // The reply's audio comes in one long chunk and the rest of the synthesis is held open.
    rig.elevenlabs.chunkBytes = 16_000;
    rig.elevenlabs.holdAfterFirstChunk = true;
    const requestsBefore = rig.elevenlabs.requests.length;
    await call.say();
    const began = await call.ear.waitForSound(call.mark, 10_000);
    assert.ok(began !== undefined, 'the agent started its reply');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await call.say(utterance(800));
    await call.client.waitFor((outbound) => outbound.some((record) => record.event === 'clear'));
    const synthesis = rig.elevenlabs.requests[requestsBefore]!;
    await rig.elevenlabs.until(() => synthesis.aborted);
    rig.elevenlabs.holdAfterFirstChunk = false;
    rig.elevenlabs.chunkBytes = 800;
    rig.elevenlabs.release();
    await call.agentDone();
    await call.hangUp();

    const turns = await until(() => turnsOf(rig, call.callSid), (rows) => rows.some((turn) => turn.interrupted));
    const cut = turns.find((turn) => turn.interrupted)!;
    assert.ok(cut, 'an interrupted agent turn');
    assert.match(cut.text, /Shall I book it\?/);
    assert.ok(cut.heard_text !== null && cut.heard_text.length < cut.text.length, `heard only part: "${cut.heard_text}"`);
    assert.ok(cut.text.startsWith(cut.heard_text ?? ''), 'what was heard is the start of the reply');
    assert.equal(turns[turns.indexOf(cut) + 1]?.text, 'actually make it friday', 'the barge-in became the next caller turn');
  });

  it('lets a backchannel pass: the reply resumes and is stored whole', async () => {
    rig.deepgram.script("hi I'd like a haircut tomorrow at three pm", 'mm-hmm');
    const call = new TestCall(rig, '+15551230017');
    await call.connect(await call.answer());
    await call.agentDone();
    await call.say();
    const began = await call.ear.waitForSound(call.mark, 10_000);
    assert.ok(began !== undefined, 'the agent started its reply');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await call.say(utterance(300));
    await call.client.waitFor((outbound) => outbound.some((record) => record.event === 'clear'));
    await call.agentDone();
    await call.hangUp();

    const turns = await until(() => turnsOf(rig, call.callSid), (rows) => rows.length >= 3);
    assert.deepEqual(turns.map((turn) => turn.speaker), ['agent', 'caller', 'agent'], 'the backchannel is not a turn');
    assert.equal(turns[2]!.interrupted, false);
    assert.equal(turns[2]!.heard_text, turns[2]!.text);
    const metrics = await (await fetch(`${rig.app.url}/metrics`)).text();
    assert.match(metrics, /frontdesk_false_interruptions_total [1-9]/);
  });

  it('puts the caller through to a person on 0 with a REST call update', async () => {
    const call = new TestCall(rig, '+15551230013');
    await call.connect(await call.answer());
    await call.agentDone();
    call.client.sendDtmf('0');
    await call.client.closed;
    const updates = rig.twilio.calls.get(call.callSid)?.twiml ?? [];
    assert.equal(updates.length, 1);
    assert.match(updates[0]!, /<Dial>\+17185550199<\/Dial>/);
    const row = await until(() => callRow(rig, call.callSid), (value) => value.outcome === 'transferred');
    assert.equal(row.outcome, 'transferred');
    call.microphone.stop();
  });

  it('reprompts a silent caller twice, then says goodbye and hangs up', async () => {
    const call = new TestCall(rig, '+15551230014');
    await call.connect(await call.answer());
    await call.client.closed;
    call.microphone.stop();
    const turns = await until(() => turnsOf(rig, call.callSid), (rows) => rows.length >= 4);
    assert.deepEqual(turns.map((turn) => turn.speaker), ['agent', 'agent', 'agent', 'agent']);
    assert.match(turns[1]!.text, /^Sorry, I didn't hear anything/);
    assert.match(turns[2]!.text, /^Sorry, I didn't hear anything/);
    assert.match(turns[3]!.text, /Goodbye!$/);
    assert.equal(rig.twilio.calls.get(call.callSid)?.status, 'completed', 'hung up through the REST API');
    assert.equal((await callRow(rig, call.callSid)).outcome, 'hung_up');
    const after = await signedPost(rig.app, '/twilio/voice/stream-ended', { CallSid: call.callSid, To: salon.phoneNumbers[0]! });
    assert.match(await after.text(), /<Response><Hangup\/><\/Response>/, 'the verbs after <Connect> end the call too');
  });

  /** A caller asks for a time, hears the read-back, and the stream drops before they answer. */
  async function dropAfterReadBack(from: string): Promise<TestCall> {
    rig.deepgram.script("hi I'd like a haircut tomorrow at three pm");
    const call = new TestCall(rig, from);
    await call.connect(await call.answer());
    await call.agentDone();
    await call.say();
    await call.agentDone();
    call.microphone.stop();
    call.client.close();
    await until(() => turnsOf(rig, call.callSid), (rows) => rows.length >= 3);
    return call;
  }

  it('carries on in <Gather> mode from the last question when the stream drops mid-call', async () => {
    const call = await dropAfterReadBack('+15551230018');
    const response = await signedPost(rig.app, '/twilio/voice/stream-ended', { CallSid: call.callSid, To: salon.phoneNumbers[0]! });
    const twiml = await response.text();
    assert.match(twiml, /<Gather [^>]*action="\/twilio\/voice\/gather\?turn=3"/);
    assert.match(twiml, /Sorry about that, the line is giving me trouble\. If we get cut off, I'll text you\. So that's a .* Shall I book it\?/);
    const gather = await signedPost(rig.app, '/twilio/voice/gather?turn=3', { CallSid: call.callSid, SpeechResult: 'yes' });
    assert.match(await gather.text(), /booked/);
    await signedPost(rig.app, '/twilio/voice/status', { CallSid: call.callSid, CallStatus: 'completed', CallDuration: '40' });
    assert.deepEqual(await followUpsOf(rig, call.callSid), [], 'booked in the fallback: nothing to follow up');
  });

  it('offers to finish by text when a call whose stream dropped ends unfinished, and texts the caller', async () => {
    const call = await dropAfterReadBack('+15551230019');
    await signedPost(rig.app, '/twilio/voice/stream-ended', { CallSid: call.callSid, To: salon.phoneNumbers[0]! });
    // The caller hangs up before answering the question again.
    await signedPost(rig.app, '/twilio/voice/status', { CallSid: call.callSid, CallStatus: 'completed', CallDuration: '30' });
    await signedPost(rig.app, '/twilio/voice/status', { CallSid: call.callSid, CallStatus: 'completed', CallDuration: '30' });
    const followUps = await followUpsOf(rig, call.callSid);
    assert.equal(followUps.length, 1, 'one follow-up, however often Twilio reports the end');

    const businesses = new BusinessDirectory([salon]);
    assert.equal(await composeCallFollowUp(rig.app.db.dataSource, businesses, followUps[0]!.id), 'composed');
    assert.equal(await composeCallFollowUp(rig.app.db.dataSource, businesses, followUps[0]!.id), 'skipped', 'once');
    const texts = await rig.app.db.dataSource.query(`SELECT payload FROM outbox WHERE kind = 'sms' AND dedupe_key = $1`, [`${followUps[0]!.id}:sms`]);
    assert.equal(texts.length, 1);
    assert.equal(texts[0].payload.to, '+15551230019');
    assert.equal(texts[0].payload.from, salon.messaging.smsFrom ?? salon.phoneNumbers[0]);
    assert.match(texts[0].payload.body, new RegExp(`^Sorry we had trouble on the line\\. This is ${salon.name}: reply to this text`));
  });

  it('refuses an unsigned or wrongly signed websocket upgrade with 403', async () => {
    const url = `${rig.app.url.replace(/^http/, 'ws')}/media-streams`;
    const signedUrl = `${rig.app.publicUrl.replace(/^http/, 'ws')}/media-streams`;
    for (const signature of [null, 'bm90IGEgc2lnbmF0dXJl']) {
      await assert.rejects(TwilioMediaClient.connect({ url, signedUrl, authToken: rig.app.authToken, signature }), (error: unknown) => {
        assert.ok(error instanceof UpgradeRefused);
        assert.equal(error.statusCode, 403);
        return true;
      });
    }
  });

  it('closes a stream whose start carries a wrong token', async () => {
    const call = new TestCall(rig, '+15551230015');
    const twiml = await call.answer();
    await call.connect(twiml.replace(/value="[^"]+"/, 'value="not-the-token"'));
    const closed = await call.client.closed;
    call.microphone.stop();
    assert.equal(closed.code, 1008);
  });

  it('answers in <Gather> mode when Deepgram refuses at call start', async () => {
    rig.deepgram.refuseNext(2, 401);
    const callSid = sid('CA');
    const response = await signedPost(rig.app, '/twilio/voice', { CallSid: callSid, From: '+15551230016', To: salon.phoneNumbers[0]!, CallStatus: 'ringing' });
    const twiml = await response.text();
    assert.match(twiml, /<Gather [^>]*input="speech dtmf"/);
    assert.doesNotMatch(twiml, /<Connect>/);
    assert.equal((await callRow(rig, callSid)).media_mode, 'gather');
  });
});
