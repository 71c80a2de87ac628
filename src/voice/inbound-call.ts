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
 * Runs inside the webhook's ledger transaction, so a retried webhook never records twice.
 */
export async function answerInboundCall(manager: EntityManager, business: Business, call: InboundCall, stream?: StreamAnswer): Promise<string> {
  await recordInboundCall(manager, business, call, stream);
  if (stream) return streamTwiml(stream.streamUrl, stream.token, STREAM_ENDED_PATH);
  return gatherGreeting(business);
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

/**
 * The caller's customer row (found or created, when the number is usable) and the call row, in
 * one statement: one round trip instead of two on every call's webhook.
 */
async function recordInboundCall(manager: EntityManager, business: Business, call: InboundCall, stream?: StreamAnswer): Promise<void> {
  const phone = customerPhoneNumber(call.from);
  const values = [call.callSid, business.id, call.from, call.to, call.direction, call.callStatus, stream ? 'stream' : 'gather', stream?.token ?? null];
  const customer = phone ? `WITH customer AS (${customerByPhoneSql('$2', '$9')}) ` : '';
  await manager.query(
    `${customer}INSERT INTO calls (call_sid, business_id, customer_id, from_number, to_number, direction, status, media_mode, stream_token)
     VALUES ($1, $2, ${phone ? '(SELECT id FROM customer)' : 'NULL'}, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (call_sid) DO NOTHING`,
    phone ? [...values, phone] : values,
  );
}
