import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bookAppointment } from '../../src/scheduling/booking-service.js';
import { createLocalCalendarProvider } from '../../src/scheduling/local-calendar-provider.js';
import { createLogger } from '../../src/observability/logger.js';
import { exampleBusinesses } from '../support/businesses.js';
import { startTestFrontdesk } from '../support/frontdesk.js';
import { BusinessDirectory } from '../../src/config/business-directory.js';
import { searchSlots, type SchedulingContext } from '../../src/scheduling/scheduling-context.js';
import { eventually } from './job-harness.js';

describe('the worker role', () => {
  it('without Twilio or SMTP: the confirmation text is recorded as not sent and the email lands as an .eml file', async () => {
    const app = await startTestFrontdesk({ BUSINESS_CONFIG: 'config/businesses' }, 'worker');
    try {
      const { salon } = exampleBusinesses();
      const dataSource = app.running.dataSource;
      const context = {
        dataSource,
        businesses: new BusinessDirectory([salon]),
        calendar: createLocalCalendarProvider(),
        logger: createLogger({ level: 'silent' }),
        now: () => new Date(),
      };
      const service = salon.services[0]!;
      const slot = await firstFreeSlot(context, salon.id, service.id);
      await bookAppointment(context, {
        businessId: salon.id,
        serviceId: service.id,
        start: slot.start,
        customer: { phone: '+12125550177', email: 'jo@example.com' },
        channel: 'voice',
      });
      const messages = await eventually(async () => {
        const rows: { status: string; channel: string }[] = await dataSource.query(`SELECT status, channel FROM messages`);
        return rows.length > 0 ? rows : undefined;
      });
      assert.deepEqual(messages, [{ status: 'not_sent', channel: 'sms' }]);
      const email = await eventually(async () => {
        const rows: { provider_id: string | null; status: string }[] = await dataSource.query(
          `SELECT provider_id, status FROM outbox WHERE kind = 'email'`,
        );
        return rows[0]?.status === 'sent' ? rows[0] : undefined;
      });
      assert.match(readFileSync(email.provider_id!, 'utf8'), /BEGIN:VCALENDAR/);
      assert.ok(readdirSync(join(email.provider_id!, '..')).length === 1);
    } finally {
      await app.close();
    }
  });
});

async function firstFreeSlot(context: SchedulingContext, businessId: string, serviceId: string) {
  const from = new Date(Date.now() + 2 * 86_400_000);
  const slots = await searchSlots(context, { businessId, serviceId, from, to: new Date(from.getTime() + 7 * 86_400_000) });
  assert.ok(slots[0], 'the salon has a free slot next week');
  return slots[0];
}
