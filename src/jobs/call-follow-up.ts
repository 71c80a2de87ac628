import type { DataSource } from 'typeorm';
import type { BusinessDirectory } from '../config/business-directory.js';
import type { Business } from '../config/business-schema.js';
import { customerPhoneNumber } from '../storage/customers.js';
import { callLeftUnfinished } from '../storage/entities/call.js';
import { writeOutbox } from '../storage/outbox.js';
import { lockLiveRow, markFinished, markSent } from './outbox-claim.js';

export function followUpText(business: Business): string {
  return `Sorry we had trouble on the line. This is ${business.name}: reply to this text and I'll help you finish what you called about.`;
}

interface FollowedUpCall {
  from_number: string;
  customer_id: string | null;
  outcome: string | null;
}

/**
 * A `call-follow-up` row (written when a call whose audio path failed mid-call ends, `{ callId }`)
 * becomes a text to the caller offering to finish by text, where the same conversation brain
 * answers (DESIGN §5: "offer a text follow-up"). It is composed when the job runs, a little after
 * the call, so that what the caller managed in the `<Gather>` fallback counts: a call that ended
 * booked, moved, cancelled, transferred or with a message taken needs no follow-up. The opt-out
 * check is the text sender's, at send time.
 */
export async function composeCallFollowUp(dataSource: DataSource, businesses: BusinessDirectory, outboxId: string): Promise<'composed' | 'skipped'> {
  return dataSource.transaction(async (manager) => {
    const row = await lockLiveRow(manager, outboxId, 'call-follow-up');
    if (!row) return 'skipped';
    const business = businesses.get(row.business_id);
    const callId = row.payload.callId;
    const calls: FollowedUpCall[] =
      typeof callId === 'string' ? await manager.query(`SELECT from_number, customer_id, outcome FROM calls WHERE id = $1`, [callId]) : [];
    const call = calls[0];
    const phone = call && customerPhoneNumber(call.from_number);
    const skipBecause = !business
      ? 'the business is gone'
      : !call
        ? 'the call is gone'
        : !callLeftUnfinished(call.outcome)
          ? `the call ended ${call.outcome}`
          : !phone
            ? 'the caller has no number to text'
            : undefined;
    if (skipBecause || !business || !phone) {
      await markFinished(manager, row.id, 'cancelled', skipBecause ?? 'nothing to send');
      return 'skipped';
    }
    await writeOutbox(manager, {
      businessId: row.business_id,
      kind: 'sms',
      dedupeKey: `${row.id}:sms`,
      payload: {
        to: phone,
        from: business.messaging.smsFrom ?? business.phoneNumbers[0]!,
        body: followUpText(business),
        ...(call.customer_id ? { customerId: call.customer_id } : {}),
      },
    });
    await markSent(manager, row.id, null);
    return 'composed';
  });
}
