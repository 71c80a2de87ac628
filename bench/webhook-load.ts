/**
 * The load generator of the webhook benchmark, in a child process so that signing and sending
 * are not charged to the web process's event loop (autocannon inside a worker thread takes itself
 * for one of its own workers and reports nothing). Reads the load as JSON from argv, prints the
 * result as one JSON line. Every request is a fresh Twilio event (a new
 * CallSid or MessageSid, a new caller number, so the per-number text limit never applies) signed
 * as Twilio signs it.
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import twilio from 'twilio';

export interface WebhookLoad {
  target: string;
  publicUrl: string;
  authToken: string;
  route: 'voice' | 'sms';
  to: string;
  connections: number;
  durationS: number;
  /** Makes caller numbers unique across runs. */
  runIndex: number;
}

export interface WebhookLoadResult {
  /** Responses received. */
  requests: number;
  requestsPerS: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
}

const SMS_TEXT = 'What are your opening hours?';

function params(load: WebhookLoad, index: number): Record<string, string> {
  const from = `+1555${String(load.runIndex * 1_000_000 + (index % 1_000_000)).padStart(7, '0').slice(-7)}`;
  const account = `AC${'0'.repeat(32)}`;
  const sid = randomBytes(16).toString('hex');
  if (load.route === 'voice') return { CallSid: `CA${sid}`, AccountSid: account, From: from, To: load.to, CallStatus: 'ringing', Direction: 'inbound' };
  return { MessageSid: `SM${sid}`, AccountSid: account, From: from, To: load.to, Body: SMS_TEXT, NumMedia: '0' };
}

async function run(load: WebhookLoad): Promise<WebhookLoadResult> {
  const path = `/twilio/${load.route}`;
  let sent = 0;
  const result = await autocannon({
    url: load.target,
    connections: load.connections,
    duration: load.durationS,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest(request) {
          const form = params(load, sent++);
          const signature = twilio.getExpectedTwilioSignature(load.authToken, `${load.publicUrl}${path}`, form);
          return {
            ...request,
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
            body: new URLSearchParams(form).toString(),
          };
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    requestsPerS: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

console.log(JSON.stringify(await run(JSON.parse(process.argv[2] ?? '{}') as WebhookLoad)));
