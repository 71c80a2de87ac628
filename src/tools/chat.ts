/**
 * Texts a business the way a customer would, through the real signed SMS or WhatsApp webhook,
 * and prints each reply. Starts Frontdesk in this process unless --url names a running one.
 *
 *   npm run chat -- --business salon --from +15551230001 "hi I'd like a haircut tomorrow afternoon" "the first one" "yes"
 *   npm run chat -- --business salon --from +15551230001 --channel whatsapp --now 2026-12-01T10:00
 *
 * --business is a business id or the name of its file in BUSINESS_CONFIG; --now is a wall-clock
 * time in the business's zone that the in-process app's clock stays at, so runs repeat. With no
 * messages it reads them from the terminal, one per line.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { startFrontdesk, type RunningFrontdesk } from '../app/frontdesk.js';
import { parseEnv, type Env } from '../config/env.js';
import { resolveTwilioAuthToken } from '../config/twilio-auth-token.js';
import pino from 'pino';
import { createLogger } from '../observability/logger.js';
import { findBusiness } from './business-file.js';
import { describeBookings, describeConfirmation } from './chat-report.js';
import { postSignedForm, sid, twimlMessages } from './twilio-client.js';

const USAGE =
  'usage: npm run chat -- --business <id|file> --from <+E164> [--channel sms|whatsapp] [--now YYYY-MM-DDTHH:MM] [--url http://host:port] ["message" ...]';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values: options, positionals: messages } = parseArgs({
  allowPositionals: true,
  options: {
    business: { type: 'string' },
    from: { type: 'string' },
    channel: { type: 'string', default: 'sms' },
    now: { type: 'string' },
    url: { type: 'string' },
  },
});

const env = parseEnv();
const business = findBusiness(env.BUSINESS_CONFIG, options.business ?? fail(`--business is required\n${USAGE}`), fail);
const customer = options.from ?? fail(`--from is required\n${USAGE}`);
if (!/^\+[1-9]\d{6,14}$/.test(customer)) fail(`--from: expected an E.164 number such as +15551230001, got "${customer}"`);
const channel = options.channel === 'whatsapp' ? 'whatsapp' : options.channel === 'sms' ? 'sms' : fail(`--channel: expected sms or whatsapp`);
const businessNumber = (channel === 'whatsapp' ? business.messaging.whatsappFrom : business.messaging.smsFrom) ?? business.phoneNumbers[0]!;
const fixedNow = options.now ? wallClock(options.now, business.timeZone) : undefined;

const app = options.url ? undefined : await startInProcess(env, fixedNow);
const target = options.url ?? app!.url!;
const publicUrl = options.url ? (env.PUBLIC_URL ?? options.url) : app!.publicUrl!;
const address = (number: string) => (channel === 'whatsapp' ? `whatsapp:${number}` : number);

try {
  if (messages.length) for (const message of messages) await send(message);
  else await converse();
  if (app) {
    console.log(await describeBookings(app.dataSource, business, customer));
    if (await hasBooking(app)) console.log(await describeConfirmation(app.dataSource, business, customer));
  }
} finally {
  await app?.close();
}

async function send(body: string): Promise<void> {
  console.log(`> ${body}`);
  const params = { MessageSid: sid('SM'), AccountSid: env.TWILIO_ACCOUNT_SID ?? `AC${'0'.repeat(32)}`, From: address(customer), To: address(businessNumber), Body: body, NumMedia: '0' };
  const path = `/twilio/${channel}`;
  const response = await postSignedForm({ url: `${target}${path}`, signedUrl: `${publicUrl}${path}`, token: resolveTwilioAuthToken(env).token, params });
  if (response.status !== 200) fail(`${path} answered ${response.status}: ${response.body}`);
  const replies = twimlMessages(response.body);
  console.log(replies.length ? replies.map((reply) => `< ${reply.replace(/\n/g, '\n  ')}`).join('\n') : '< (no reply)');
}

async function converse(): Promise<void> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  console.log(`texting ${business.name} as ${customer} over ${channel}; an empty line or Ctrl-D ends`);
  for await (const line of terminal) {
    if (!line.trim()) break;
    await send(line);
  }
  terminal.close();
}

async function hasBooking(running: RunningFrontdesk): Promise<boolean> {
  const rows: unknown[] = await running.dataSource.query(
    `SELECT 1 FROM bookings b JOIN customers c ON c.id = b.customer_id WHERE b.business_id = $1 AND c.phone = $2 LIMIT 1`,
    [business.id, customer],
  );
  return rows.length > 0;
}

async function startInProcess(env: Env, now: Date | undefined): Promise<RunningFrontdesk> {
  // stdout is the conversation; logs go to stderr.
  const logger = createLogger({ level: process.env.LOG_LEVEL ? env.LOG_LEVEL : 'warn', destination: pino.destination(2) });
  return startFrontdesk({ ...env, PORT: 0 }, 'all', logger, now ? { now: () => now } : {});
}


function wallClock(text: string, zone: string): Date {
  const local = DateTime.fromISO(text, { zone });
  return local.isValid ? local.toJSDate() : fail(`--now: expected a local time such as 2026-12-01T10:00, got "${text}"`);
}
