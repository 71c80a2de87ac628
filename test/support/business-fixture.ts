import { businessSchema, type Business } from '../../src/config/business-schema.js';

type Draft = Record<string, unknown>;

/**
 * A small valid business parsed through the real schema (so defaults and the staff/service
 * relation are filled in as in production), with `change` applied to the raw file first.
 */
export function testBusiness(change: (draft: Draft) => void = () => {}): Business {
  const draft: Draft = {
    id: 'test-salon',
    name: 'Test Salon',
    phoneNumbers: ['+12125550100'],
    timeZone: 'America/New_York',
    address: '1 Main St',
    weeklyHours: {
      monday: { open: '09:00', close: '17:00', breaks: [{ start: '12:00', end: '13:00' }] },
      tuesday: { open: '09:00', close: '17:00' },
      wednesday: { open: '09:00', close: '17:00' },
      thursday: { open: '09:00', close: '17:00' },
      friday: { open: '09:00', close: '17:00' },
      saturday: { open: '10:00', close: '14:00' },
    },
    services: [
      { id: 'cut', name: 'Cut', durationMinutes: 30, staff: ['anna', 'ben'] },
      { id: 'colour', name: 'Colour', durationMinutes: 90, bufferBeforeMinutes: 10, bufferAfterMinutes: 15, staff: ['anna'] },
    ],
    staff: [
      { id: 'anna', name: 'Anna' },
      { id: 'ben', name: 'Ben' },
    ],
    bookingRules: { minimumNoticeMinutes: 60, horizonDays: 30, slotIntervalMinutes: 15 },
    greeting: 'Hello',
  };
  change(draft);
  return businessSchema.parse(draft, { reportInput: true });
}
