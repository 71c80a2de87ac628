import type { EntityManager } from 'typeorm';
import type { Business } from '../config/business-schema.js';
import { customerByPhoneSql, customerPhoneNumber } from '../storage/customers.js';
import { greetingTwiml, streamTwiml } from './twiml.js';

export interface InboundCall {
  callSid: string;
  from: string;
  to: string;
  callStatus: string;
  direction: string;
}

export const GATHER_ACTION_PATH = '/twilio/voice/gather';
export const STREAM_ENDED_PATH = '/twilio/voice/stream-ended';

/** Media-stream mode for this call: where Twilio connects, and the token its `start` must carry. */
export interface StreamAnswer {
  streamUrl: string;
  token: string;
}

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
 * A call has reached a business: remember the caller, record the call, and greet them — over
 * our media stream when `stream` is given, otherwise in Twilio's `<Gather>` speech mode.
 * `/twilio/voice` does the same in its ledger statement (`inboundCallSteps`), so a retried
 * webhook never records twice.
 */
export async function answerInboundCall(manager: EntityManager, business: Business, call: InboundCall, stream?: StreamAnswer): Promise<string> {
  const values: unknown[] = [];
  const steps = inboundCallSteps(business, call, stream, (item) => `$${values.push(item)}`);
  await manager.query(`WITH ${steps.join(',\n')} SELECT 1`, values);
  return inboundCallAnswer(business, stream);
}

/** What the call is answered: the same for every call to a business in `<Gather>` mode. */
export function inboundCallAnswer(business: Business, stream?: StreamAnswer): string {
  if (stream) return streamTwiml(stream.streamUrl, stream.token, STREAM_ENDED_PATH);
  return gatherGreeting(business);
}

/**
 * The caller's customer row (found or created, when the number is usable) and the call row, as
 * items of one statement's `WITH` clause: one round trip. With `onlyWith`, they are written only
 * when that item has a row (the ledger's claim). `value` adds a parameter and answers its
 * placeholder.
 */
export function inboundCallSteps(
  business: Business,
  call: InboundCall,
  stream: StreamAnswer | undefined,
  value: (item: unknown) => string,
  onlyWith?: string,
): string[] {
  const phone = customerPhoneNumber(call.from);
  const businessId = value(business.id);
  const customer = phone ? `customer AS (${customerByPhoneSql(businessId, value(phone), onlyWith)})` : undefined;
  const row = [
    value(call.callSid),
    businessId,
    customer ? '(SELECT id FROM customer)' : 'NULL::uuid',
    ...[call.from, call.to, call.direction, call.callStatus, stream ? 'stream' : 'gather', stream?.token ?? null].map(value),
  ];
  const insertCall = `inserted_call AS (
    INSERT INTO calls (call_sid, business_id, customer_id, from_number, to_number, direction, status, media_mode, stream_token)
    SELECT ${row.join(', ')}${onlyWith ? ` FROM ${onlyWith}` : ''}
    ON CONFLICT (call_sid) DO NOTHING)`;
  return customer ? [customer, insertCall] : [insertCall];
}

/** Loaded businesses do not change; their `<Gather>` greeting is the same for every call. */
const gatherGreetings = new WeakMap<Business, string>();

function gatherGreeting(business: Business): string {
  let twiml = gatherGreetings.get(business);
  if (twiml === undefined) {
    twiml = greetingTwiml(
      {
        locale: business.locale,
        greeting: business.greeting,
        recordingNotice: business.recordingNotice,
        vocabulary: businessVocabulary(business),
      },
      gatherActionPath(1),
    );
    gatherGreetings.set(business, twiml);
  }
  return twiml;
}
