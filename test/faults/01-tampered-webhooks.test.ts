import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { exampleBusinesses } from '../support/businesses.js';
import { rowCounts, sid, signedPost, type SignedPostOptions } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';
import { counterValue, inParallel, report, startFaultFrontdesk, type FaultFrontdesk } from './support.js';

const TAMPERED = 10_000;
const { salon } = exampleBusinesses();
const salonNumber = salon.phoneNumbers[0]!;

/** Every signed route with parameters it would accept. */
const routes: { path: string; params: () => Record<string, string> }[] = [
  { path: '/twilio/voice', params: () => ({ CallSid: sid('CA'), From: nextPhone(), To: salonNumber, CallStatus: 'ringing' }) },
  { path: '/twilio/voice/status', params: () => ({ CallSid: sid('CA'), CallStatus: 'completed', CallDuration: '12' }) },
  { path: '/twilio/voice/gather?turn=1', params: () => ({ CallSid: sid('CA'), To: salonNumber, SpeechResult: 'a haircut tomorrow' }) },
  { path: '/twilio/voice/stream-ended', params: () => ({ CallSid: sid('CA'), To: salonNumber }) },
  { path: '/twilio/sms', params: () => ({ MessageSid: sid('SM'), From: nextPhone(), To: salonNumber, Body: 'book a haircut', NumMedia: '0' }) },
  { path: '/twilio/whatsapp', params: () => ({ MessageSid: sid('SM'), From: `whatsapp:${nextPhone()}`, To: `whatsapp:${salonNumber}`, Body: 'hi', NumMedia: '0' }) },
  { path: '/twilio/message-status', params: () => ({ MessageSid: sid('SM'), MessageStatus: 'delivered' }) },
];

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Tampered {
  /** Requested path; default the route's. */
  path?: string;
  options: SignedPostOptions;
  /** Parameters the signature covers; default the ones sent. */
  signed?: Record<string, string>;
}

const swapScheme = (url: string) => (url.startsWith('https:') ? url.replace(/^https:/, 'http:') : url.replace(/^http:/, 'https:'));
const withQuery = (path: string, query: string) => `${path}${path.includes('?') ? '&' : '?'}${query}`;

/** Ways an attacker (or a misconfigured proxy) gets a request to us with a signature that does not fit it. */
const tamperings: { name: string; tamper(app: FaultFrontdesk, path: string, params: Record<string, string>): Tampered }[] = [
  { name: 'changed param', tamper: (_app, _path, params) => ({ options: { sentParams: { ...params, To: '+12125550000' } } }) },
  { name: 'added param', tamper: (_app, _path, params) => ({ options: { sentParams: { ...params, Injected: '1' } } }) },
  { name: 'dropped param', tamper: (_app, _path, params) => ({ options: { sentParams: Object.fromEntries(Object.entries(params).slice(1)) } }) },
  { name: 'other path', tamper: (app) => ({ options: { signedUrl: `${app.publicUrl}/twilio/other` } }) },
  { name: 'other query', tamper: (app, path) => ({ path: withQuery(path, 'x=1'), options: { signedUrl: `${app.publicUrl}${path}` } }) },
  { name: 'other host', tamper: (_app, path) => ({ options: { signedUrl: `https://attacker.example${path}` } }) },
  { name: 'other scheme', tamper: (app, path) => ({ options: { signedUrl: swapScheme(`${app.publicUrl}${path}`) } }) },
  { name: 'wrong token', tamper: () => ({ options: { token: 'not-the-auth-token' } }) },
  { name: 'no header', tamper: () => ({ options: { signature: null } }) },
  { name: 'garbage header', tamper: () => ({ options: { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' } }) },
  {
    // Twilio signs a JSON request over its URL carrying bodySHA256 and no parameters; such a
    // signature must not carry a form body it never covered.
    name: 'bodySHA256',
    tamper: (app, path, params) => {
      const signedPath = withQuery(path, `bodySHA256=${sha256('{"other":"body"}')}`);
      return { path: signedPath, signed: {}, options: { signedUrl: `${app.publicUrl}${signedPath}`, sentParams: params } };
    },
  },
];

describe('faults #1: tampered webhooks', () => {
  let app: FaultFrontdesk;
  before(async () => {
    app = await startFaultFrontdesk({ logLevel: 'error' });
  });
  after(async () => app.close());

  it(`refuses ${TAMPERED} tampered webhooks with 403, writing nothing; accepts every valid one`, async () => {
    const before = await rowCounts(app);
    const statuses = new Map<number, number>();
    const wrongCode: string[] = [];
    const byKind = new Map<string, number>();
    await inParallel(Array.from({ length: TAMPERED }, (_, i) => i), 32, async (i) => {
      const route = routes[i % routes.length]!;
      const tampering = tamperings[Math.floor(i / routes.length) % tamperings.length]!;
      const params = route.params();
      const tampered = tampering.tamper(app, route.path, params);
      const response = await signedPost(app, tampered.path ?? route.path, tampered.signed ?? params, {
        sentParams: params,
        ...tampered.options,
      });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      byKind.set(tampering.name, (byKind.get(tampering.name) ?? 0) + 1);
      const body = (await response.json()) as { error?: { code?: string } };
      if (body.error?.code !== 'invalid_signature') wrongCode.push(`${tampering.name} ${route.path}: ${response.status}`);
    });
    const after = await rowCounts(app);
    const rowsWritten = Object.keys(after).reduce((sum, table) => sum + Math.abs(after[table]! - (before[table] ?? 0)), 0);
    const jobs = after.outbox! - before.outbox!;

    const valid = await sendValidFixtures(app);
    report(
      1,
      `tampered ${TAMPERED} → 403 ${statuses.get(403) ?? 0} (${[...byKind].map(([kind, n]) => `${kind} ${n}`).join(', ')}), rows ${rowsWritten}, jobs ${jobs}; ` +
        `valid ${valid.sent} accepted ${valid.accepted}`,
    );
    assert.deepEqual([...statuses], [[403, TAMPERED]]);
    assert.deepEqual(wrongCode.slice(0, 5), []);
    assert.equal(rowsWritten, 0);
    assert.equal(jobs, 0);
    assert.equal(await counterValue(app, 'frontdesk_webhook_requests_total', { status: '403' }), TAMPERED);
    assert.equal(valid.accepted, valid.sent, valid.refusals.join('\n'));
  });
});

/** Correctly signed requests on every route, in the order Twilio would send them for one call or text. */
async function sendValidFixtures(app: FaultFrontdesk): Promise<{ sent: number; accepted: number; refusals: string[] }> {
  const refusals: string[] = [];
  let sent = 0;
  const post = async (path: string, params: Record<string, string>) => {
    sent += 1;
    const response = await signedPost(app, path, params);
    const text = await response.text();
    if (response.status < 200 || response.status > 299) refusals.push(`${path}: ${response.status} ${text.slice(0, 200)}`);
  };
  await inParallel(Array.from({ length: 40 }, (_, i) => i), 8, async () => {
    const callSid = sid('CA');
    const from = nextPhone();
    await post('/twilio/voice', { CallSid: callSid, From: from, To: salonNumber, CallStatus: 'ringing' });
    await post('/twilio/voice/gather?turn=1', { CallSid: callSid, To: salonNumber, SpeechResult: 'what are your opening hours' });
    await post('/twilio/voice/status', { CallSid: callSid, CallStatus: 'completed', CallDuration: '30' });
    const messageSid = sid('SM');
    await post('/twilio/sms', { MessageSid: messageSid, From: from, To: salonNumber, Body: 'what are your opening hours', NumMedia: '0' });
    await post('/twilio/message-status', { MessageSid: messageSid, MessageStatus: 'delivered' });
  });
  return { sent, accepted: sent - refusals.length, refusals };
}
