import type { EntityManager } from 'typeorm';
import type { Business } from '../config/business-schema.js';
import { customerPhoneNumber, upsertCustomer } from '../storage/customers.js';
import { greetingTwiml } from './twiml.js';

export interface InboundCall {
  callSid: string;
  from: string;
  to: string;
  callStatus: string;
  direction: string;
}

export const GATHER_ACTION_PATH = '/twilio/voice/gather';

/** The gather route for turn `n`; the number makes each turn its own idempotent event. */
export function gatherActionPath(turn: number): string {
  return `${GATHER_ACTION_PATH}?turn=${turn}`;
}

/** Words Twilio's recogniser should expect for this business. */
export function businessVocabulary(business: Business): string[] {
  const words = [
    ...business.services.flatMap((service) => [service.name, ...service.synonyms]),
    ...business.staff.map((member) => member.name),
  ];
  return [...new Set(words)];
}

/**
 * A call has reached a business: remember the caller, record the call, and greet them.
 * Runs inside the webhook's ledger transaction, so a retried webhook never records twice.
 */
export async function answerInboundCall(manager: EntityManager, business: Business, call: InboundCall): Promise<string> {
  const customerId = await upsertCustomer(manager, business.id, { phone: customerPhoneNumber(call.from) });
  await manager.query(
    `INSERT INTO calls (call_sid, business_id, customer_id, from_number, to_number, direction, status, media_mode)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'gather')
     ON CONFLICT (call_sid) DO NOTHING`,
    [call.callSid, business.id, customerId ?? null, call.from, call.to, call.direction, call.callStatus],
  );
  return greetingTwiml(
    {
      locale: business.locale,
      greeting: business.greeting,
      recordingNotice: business.recordingNotice,
      vocabulary: businessVocabulary(business),
    },
    gatherActionPath(1),
  );
}
