import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import pino from 'pino';
import { BusinessDirectory } from '../../src/config/business-directory.js';
import { createLogger } from '../../src/observability/logger.js';
import { createLocalCalendarProvider } from '../../src/scheduling/local-calendar-provider.js';
import { createScheduler } from '../../src/scheduling/scheduler.js';
import { exampleBusinesses } from '../support/businesses.js';
import { startVoiceRig, storedTurns, TestCall, until, utterance, type VoiceRig } from './call-harness.js';

const { salon } = exampleBusinesses();
const NOW = DateTime.fromISO('2026-12-01T10:00', { zone: salon.timeZone }).toJSDate();

/** The booking turn's reply is synthesised during its transaction and heard only after COMMIT. */
describe('media-stream calls: the booked reply drafted during the booking', function () {
  this.timeout(30_000);
  let rig: VoiceRig;

  before(async () => {
    rig = await startVoiceRig({ now: NOW });
  });
  after(async () => rig.close());

  /** Greeting, the offer for `when`, read back as "Shall I book it?", for the caller to answer. */
  async function callUpToConfirmation(from: string, when: string): Promise<TestCall> {
    rig.deepgram.script(`hi I'd like a haircut ${when}`, 'yes');
    const call = new TestCall(rig, from);
    await call.connect(await call.answer());
    await call.agentDone();
    await call.say();
    await call.agentDone();
    const turns = await until(() => storedTurns(rig, call.callSid), (rows) => rows.length >= 3);
    assert.match(turns[2]!.text, /Shall I book it\?/);
    return call;
  }

  const bookedTexts = () => rig.elevenlabs.requests.filter((request) => /booked/i.test(request.text));

  it('asks the TTS for the booked reply before the booking commits, and plays it only after', async () => {
    const phone = '+15551239001';
    const call = await callUpToConfirmation(phone, 'tomorrow at three pm');
    const before = bookedTexts().length;
    // Holding the customer's row holds the booking transaction at its first statement.
    const holder = rig.app.db.dataSource.createQueryRunner();
    await holder.connect();
    try {
      await holder.startTransaction();
      await holder.query('SELECT id FROM customers WHERE phone = $1 FOR UPDATE', [phone]);
      await call.say(utterance(300));
      await rig.elevenlabs.until(() => bookedTexts().length > before);
      assert.equal(await call.ear.waitForSound(call.mark, 200), undefined, 'nothing is played before the booking commits');
      const [uncommitted] = await rig.app.db.dataSource.query(
        `SELECT count(*)::int AS n FROM bookings b JOIN customers c ON c.id = b.customer_id WHERE c.phone = $1`,
        [phone],
      );
      assert.equal(uncommitted.n, 0, 'the booking is still waiting');
      await holder.commitTransaction();
    } finally {
      await holder.release();
    }
    await call.agentDone();
    await call.hangUp();

    const turns = await until(() => storedTurns(rig, call.callSid), (rows) => rows.length >= 5);
    assert.match(turns[4]!.text, /booked/);
    assert.equal(turns[4]!.heard_text, turns[4]!.text, 'heard whole');
    assert.equal(bookedTexts().length, before + 1, 'the draft was spoken, not synthesised again');
    assert.equal(bookedTexts().at(-1)!.aborted, false);
  });

  it('drops the drafted reply unheard when the slot was taken meanwhile', async () => {
    const phone = '+15551239002';
    const call = await callUpToConfirmation(phone, 'tomorrow at two pm');
    const [{ chosen, serviceId }] = await rig.app.db.dataSource.query(
      `SELECT dialog_state->'dialog'->'chosen' AS chosen, dialog_state->'dialog'->>'serviceId' AS "serviceId" FROM calls WHERE call_sid = $1`,
      [call.callSid],
    );
    // Someone else takes that time with that person between the read-back and the caller's yes.
    const logger = createLogger({ level: 'silent', destination: pino.destination(2) });
    const scheduler = createScheduler({
      dataSource: rig.app.db.dataSource,
      businesses: new BusinessDirectory([salon]),
      calendar: createLocalCalendarProvider(),
      logger,
      now: () => NOW,
    });
    await scheduler.book({
      businessId: salon.id,
      serviceId,
      staffId: chosen.staffId,
      start: new Date(chosen.start),
      customer: { phone: '+15551239003' },
      channel: 'sms',
    });
    // A TTS slower than the transaction: the draft is still waiting for its first byte when the
    // refusal comes back.
    const before = bookedTexts().length;
    rig.elevenlabs.firstByteDelayMs = 300;
    try {
      await call.say(utterance(300));
      await call.agentDone();
    } finally {
      rig.elevenlabs.firstByteDelayMs = 0;
    }
    await call.hangUp();

    const turns = await until(() => storedTurns(rig, call.callSid), (rows) => rows.length >= 5);
    assert.doesNotMatch(turns[4]!.text, /booked/);
    assert.match(turns[4]!.text, /I can do/);
    const drafts = bookedTexts().slice(before);
    assert.equal(drafts.length, 1, 'the booked reply was drafted');
    await rig.elevenlabs.until(() => drafts[0]!.aborted);
    assert.equal(drafts[0]!.bytesSent, 0, 'and cancelled before any of it was sent');
  });
});
