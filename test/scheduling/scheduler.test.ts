import assert from 'node:assert/strict';
import { createScheduler, SlotTaken } from '../../src/scheduling/scheduler.js';
import { testBusiness } from '../support/business-fixture.js';
import { nextPhone, schedulingHarness, type SchedulingHarness } from '../support/scheduling.js';

const business = testBusiness();
const now = new Date('2026-03-01T13:00:00Z');

describe('the scheduler port the dialog uses', () => {
  let h: SchedulingHarness;
  beforeEach(async () => {
    h = await schedulingHarness(business, { now });
  });
  afterEach(async () => h.drop());

  it('offers the three slots nearest "Monday afternoon", then books, moves and cancels through the same port', async () => {
    const scheduler = createScheduler(h.context);
    const search = { businessId: business.id, serviceId: 'cut', from: new Date('2026-03-02T05:00:00Z'), to: new Date('2026-03-03T05:00:00Z') };
    const afternoon = { from: new Date('2026-03-02T17:00:00Z'), to: new Date('2026-03-02T22:00:00Z') };
    const offered = await scheduler.offerSlots(search, afternoon);
    assert.deepEqual(
      offered.map((slot) => slot.start.toISOString()),
      ['2026-03-02T18:00:00.000Z', '2026-03-02T18:15:00.000Z', '2026-03-02T18:30:00.000Z'],
      'the earliest afternoon times after the lunch break',
    );

    const customer = { phone: nextPhone() };
    const { booking } = await scheduler.book({
      businessId: business.id,
      serviceId: 'cut',
      staffId: offered[0]!.staffId,
      start: offered[0]!.start,
      customer,
      channel: 'sms',
    });
    assert.deepEqual((await scheduler.upcoming(business.id, customer)).map((b) => b.id), [booking.id]);
    await assert.rejects(
      scheduler.book({ businessId: business.id, serviceId: 'cut', staffId: booking.staffId, start: booking.start, customer: { phone: nextPhone() }, channel: 'sms' }),
      SlotTaken,
    );
    const moved = await scheduler.reschedule({ bookingId: booking.id, start: offered[2]!.start });
    assert.equal(moved.start.toISOString(), offered[2]!.start.toISOString());
    assert.equal((await scheduler.cancel(booking.id)).status, 'cancelled');
    assert.deepEqual(await scheduler.upcoming(business.id, customer), []);
  });
});
