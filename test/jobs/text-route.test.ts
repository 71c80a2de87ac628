import assert from 'node:assert/strict';
import { routeText } from '../../src/jobs/text-route.js';
import type { CustomerContact } from '../../src/jobs/booking-context.js';
import { testBusiness } from '../support/business-fixture.js';

const TEMPLATE = 'HX7637a782752c936e7ec3c66365bee517';
const withWhatsApp = testBusiness((draft) => {
  draft.messaging = { smsFrom: '+12125550101', whatsappFrom: '+12125550102', whatsappTemplates: { confirmation: TEMPLATE } };
});
const now = new Date('2026-03-01T13:00:00Z');
const facts = {
  businessName: 'Test Salon',
  address: '1 Main St',
  businessPhone: '+12125550100',
  serviceName: 'Cut',
  staffName: 'Anna',
  start: new Date('2026-03-02T15:00:00Z'),
  timeZone: 'America/New_York',
};
const customer = (lastInbound: Date | null): CustomerContact => ({
  id: 'c1',
  phone: '+12125550111',
  email: null,
  name: null,
  optedOutAt: null,
  lastWhatsappInboundAt: lastInbound,
});

describe('routeText: which channel and form a booking notice takes', () => {
  it('WhatsApp inside the 24-hour window: free-form text', () => {
    const route = routeText(withWhatsApp, 'whatsapp', customer(new Date(now.getTime() - 3_600_000)), 'booked', facts, now);
    assert.equal(route?.kind, 'whatsapp');
    assert.equal(route?.payload.from, '+12125550102');
    assert.equal(route?.payload.template, undefined);
  });

  it('WhatsApp outside the window: the approved template with its variables', () => {
    const route = routeText(withWhatsApp, 'whatsapp', customer(new Date(now.getTime() - 25 * 3_600_000)), 'booked', facts, now);
    assert.equal(route?.kind, 'whatsapp');
    assert.deepEqual(route?.payload.template, {
      contentSid: TEMPLATE,
      variables: { 1: 'Cut', 2: 'Monday 2 March at 10 am', 3: 'Test Salon' },
    });
  });

  it('WhatsApp outside the window without a template: SMS, and the row says why', () => {
    const route = routeText(withWhatsApp, 'whatsapp', customer(null), 'rescheduled', facts, now);
    assert.equal(route?.kind, 'sms');
    assert.equal(route?.payload.from, '+12125550101');
    assert.match(route!.payload.fallbackReason!, /no reschedule template/);
  });

  it('voice and admin bookings are confirmed by SMS from the business number when no SMS sender is set', () => {
    const plain = testBusiness();
    for (const channel of ['voice', 'admin'] as const) {
      const route = routeText(plain, channel, customer(null), 'booked', facts, now);
      assert.deepEqual([route?.kind, route?.payload.from], ['sms', '+12125550100']);
    }
  });

  it('no phone number: no text', () => {
    assert.equal(routeText(withWhatsApp, 'sms', { ...customer(null), phone: null }, 'booked', facts, now), undefined);
  });
});
