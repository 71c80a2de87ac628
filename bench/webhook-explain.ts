/**
 * Where Postgres spends a `/twilio/voice` statement: after a few hundred calls through the app,
 * EXPLAIN ANALYZE of one more call's statement (claim, customer, call) with its triggers (the
 * foreign-key checks). A developer's tool for the webhooks bench (`npx tsx bench/webhook-explain.ts`).
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { parseEnv } from '../src/config/env.js';
import { findBusiness } from '../src/tools/business-file.js';
import { startLocalFrontdesk } from '../src/tools/call-harness.js';
import { inboundCallAnswer, inboundCallSteps } from '../src/voice/inbound-call.js';
import { benchLogger } from './call-bench.js';

const env = parseEnv();
const business = findBusiness(env.BUSINESS_CONFIG, 'salon', (message) => {
  throw new Error(message);
});
const frontdesk = await startLocalFrontdesk(env, {}, { logger: benchLogger(), role: 'web' });
const sid = () => randomBytes(16).toString('hex');
try {
  for (let i = 0; i < 300; i++) {
    const form = { CallSid: `CA${sid()}`, From: `+1555${String(1000000 + i)}`, To: business.phoneNumbers[0]!, CallStatus: 'ringing', Direction: 'inbound' };
    const url = `${frontdesk.publicUrl}/twilio/voice`;
    const response = await fetch(`${frontdesk.target}/twilio/voice`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(frontdesk.authToken, url, form) },
      body: new URLSearchParams(form).toString(),
    });
    await response.text();
  }
  const values: unknown[] = [];
  const value = (item: unknown) => `$${values.push(item)}`;
  const call = { callSid: `CA${sid()}`, from: '+15559999999', to: business.phoneNumbers[0]!, callStatus: 'ringing', direction: 'inbound' };
  const claim = `claimed AS (INSERT INTO webhook_events (provider, event_id, route, request_fingerprint, response_status, response_content_type, response_body)
    VALUES (${['twilio', `voice:${call.callSid}`, '/twilio/voice', 'f'.repeat(64), 200, 'text/xml', inboundCallAnswer(business)].map(value).join(', ')})
    ON CONFLICT (provider, event_id) DO NOTHING RETURNING id)`;
  const sql = `WITH ${[claim, ...inboundCallSteps(business, call, undefined, value, 'claimed')].join(',\n')} SELECT (SELECT count(*) FROM claimed)::int AS claimed`;
  const rows: { 'QUERY PLAN': string }[] = await frontdesk.app.dataSource.query(`EXPLAIN (ANALYZE, BUFFERS, VERBOSE, WAL) ${sql}`, values);
  for (const row of rows) console.log(row['QUERY PLAN']);
} finally {
  await frontdesk.close();
}
