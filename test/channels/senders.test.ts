import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { buildInvite } from '../../src/channels/calendar-invite.js';
import { createFileMailSender, createSmtpMailSender } from '../../src/channels/senders/mail-senders.js';
import {
  InvalidRecipientError,
  MessageRejectedError,
  RecipientOptedOutError,
  TemplateRequiredError,
} from '../../src/channels/senders/send-errors.js';
import type { SmsMessage } from '../../src/channels/senders/text-sender.js';
import { createTwilioTextSenders } from '../../src/channels/senders/twilio-text-sender.js';
import { createUnconfiguredTextSender } from '../../src/channels/senders/unconfigured-text-sender.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createVendorPolicy, VendorUnavailableError } from '../../src/resilience/vendor-policy.js';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp.js';
import { startFakeTwilioRest, type FakeTwilioRest } from '../fakes/twilio-rest.js';
import { LogCapture } from '../support/log-capture.js';

const logger = pino({ level: 'silent' });
const policy = (dependency: 'twilio' | 'smtp', timeoutMs = 2000) =>
  createVendorPolicy({ dependency, metrics: createMetrics(), logger, timeoutMs, retries: 1, retryDelay: { initialMs: 5, maxMs: 10 } });

describe('Twilio text senders (real SDK, fake REST)', () => {
  let fake: FakeTwilioRest;
  beforeEach(async () => {
    fake = await startFakeTwilioRest();
  });
  afterEach(() => fake.close());

  const senders = (timeoutMs = 2000) =>
    createTwilioTextSenders({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      apiUrl: fake.url,
      policy: policy('twilio', timeoutMs),
      logger,
      requestTimeoutMs: 2000,
    });

  it('sends an SMS form-encoded with Basic auth and returns the SM sid', async () => {
    const result = await senders().sms.send({ to: '+12125550111', from: '+12125550100', body: 'Hello', statusCallbackUrl: 'https://x.test/s' });
    assert.equal(result.sent, true);
    assert.ok(result.sent && /^SM[0-9a-f]{32}$/.test(result.providerId));
    const [request] = fake.requests;
    assert.equal(request!.path, `/2010-04-01/Accounts/${fake.accountSid}/Messages.json`);
    assert.equal(request!.username, fake.accountSid);
    assert.deepEqual(
      { To: request!.form.To, From: request!.form.From, Body: request!.form.Body, StatusCallback: request!.form.StatusCallback },
      { To: '+12125550111', From: '+12125550100', Body: 'Hello', StatusCallback: 'https://x.test/s' },
    );
  });

  it('sends WhatsApp with whatsapp: addresses, free-form or as a template', async () => {
    const { whatsapp } = senders();
    await whatsapp.send({ to: '+12125550111', from: '+12125550100', body: 'Hi' });
    await whatsapp.send({ to: '+12125550111', from: '+12125550100', template: { contentSid: 'HX123', variables: { 1: 'Cut' } } });
    assert.equal(fake.messages[0]!.to, 'whatsapp:+12125550111');
    assert.equal(fake.messages[0]!.from, 'whatsapp:+12125550100');
    assert.equal(fake.messages[1]!.contentSid, 'HX123');
    assert.deepEqual(JSON.parse(fake.messages[1]!.contentVariables!), { 1: 'Cut' });
    assert.equal(fake.messages[1]!.body, undefined);
  });

  it('types Twilio errors: 21610 opted out, 21211 invalid, 63016 template, 500 retryable', async () => {
    const { sms } = senders();
    const text = { to: '+12125550111', from: '+12125550100', body: 'x' };
    fake.failNext({ fault: { kind: 'error', code: 21610 } });
    await assert.rejects(sms.send(text), (error: unknown) => error instanceof RecipientOptedOutError && error.retryable === false);
    fake.failNext({ fault: { kind: 'error', code: 21211 } });
    await assert.rejects(sms.send(text), InvalidRecipientError);
    fake.failNext({ fault: { kind: 'error', code: 63016 } });
    await assert.rejects(sms.send(text), TemplateRequiredError);
    fake.failNext({ fault: { kind: 'server-error' } });
    await assert.rejects(sms.send(text), (error: unknown) => error instanceof MessageRejectedError && error.retryable === true);
    assert.equal(fake.messages.length, 0);
  });

  it('a hang times out without a resend, and findSent tells whether it went through', async () => {
    const { sms } = senders(200);
    const text = { to: '+12125550111', from: '+12125550100', body: 'Once only' };
    const since = new Date();
    fake.failNext({ fault: { kind: 'hang' } });
    await assert.rejects(sms.send(text), VendorUnavailableError);
    assert.equal(await sms.findSent(text, since), undefined);
    fake.failNext({ fault: { kind: 'hang-after-accept' } });
    await assert.rejects(sms.send(text), VendorUnavailableError);
    assert.equal(fake.messages.length, 1);
    assert.equal(await sms.findSent(text, since), fake.messages[0]!.sid);
    assert.equal(await sms.findSent({ ...text, body: 'Other' }, since), undefined);
  });

  it('without an account nothing is sent and the log says so without the number', async () => {
    const capture = new LogCapture();
    const sms = createUnconfiguredTextSender<SmsMessage>('sms', createLogger({ level: 'info', destination: capture }));
    assert.deepEqual(await sms.send({ to: '+12125550111', from: '+12125550100', body: 'x' }), { sent: false, reason: 'no_account' });
    assert.match(capture.text, /no Twilio account: text recorded as not sent/);
    assert.doesNotMatch(capture.text, /2125550111/);
  });
});

describe('mail senders', () => {
  let smtp: FakeSmtp;
  beforeEach(async () => {
    smtp = await startFakeSmtp();
  });
  afterEach(() => smtp.close());

  const invite = buildInvite({
    method: 'REQUEST',
    bookingId: '6f1c1b9e-0000-4000-8000-000000000001',
    sequence: 0,
    start: new Date('2026-03-02T15:00:00Z'),
    end: new Date('2026-03-02T15:30:00Z'),
    summary: 'Cut with Anna, at Test Salon',
    location: '1 Main St',
    description: 'Booked; reply to change',
    organizer: { name: 'Test Salon', email: 'frontdesk@salon.test' },
    attendee: { name: 'Jo', email: 'jo@example.com' },
    stampedAt: new Date('2026-03-01T13:00:00Z'),
  });
  const mail = {
    to: 'jo@example.com',
    subject: 'Booked',
    text: 'You are booked',
    html: '<p>You are booked</p>',
    invite: { method: 'REQUEST' as const, content: invite },
    messageId: '<outbox-1@frontdesk>',
  };

  it('sends text, HTML and an invite through SMTP', async () => {
    const sender = createSmtpMailSender({ url: smtp.url, from: 'Test Salon <frontdesk@salon.test>', policy: policy('smtp') });
    const result = await sender.send(mail);
    sender.close();
    assert.equal(result.providerId, '<outbox-1@frontdesk>');
    const [received] = smtp.mails;
    assert.deepEqual(received!.rcptTo, ['jo@example.com']);
    assert.equal(received!.header('message-id'), '<outbox-1@frontdesk>');
    assert.match(received!.raw, /text\/plain/);
    assert.match(received!.raw, /text\/html/);
    assert.match(received!.raw, /text\/calendar; charset=utf-8; method=REQUEST/i);
  });

  it('writes .eml files named by Message-ID without SMTP', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'frontdesk-mail-'));
    try {
      const sender = createFileMailSender({ folder, from: 'frontdesk@localhost' });
      await sender.send(mail);
      await sender.send(mail);
      const files = readdirSync(folder);
      assert.equal(files.length, 1);
      assert.match(readFileSync(join(folder, files[0]!), 'utf8'), /BEGIN:VCALENDAR/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('folds and escapes the invite', () => {
    assert.match(invite, /^BEGIN:VCALENDAR\r\n/);
    assert.match(invite, /UID:6f1c1b9e-0000-4000-8000-000000000001@frontdesk\r\n/);
    assert.match(invite, /SUMMARY:Cut with Anna\\, at Test Salon\r\n/);
    assert.match(invite, /DTSTART:20260302T150000Z/);
    for (const line of invite.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
  });
});
