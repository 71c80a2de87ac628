import assert from 'node:assert/strict';
import { exampleBusinesses } from '../support/businesses.js';
import { sid, signedPost } from '../support/frontdesk.js';
import { CANARY, CANARY_PATTERNS, personalDataIn } from './canaries.js';
import { report, startFaultFrontdesk, type FaultFrontdesk } from './support.js';

const PINNED_NOW = new Date('2026-12-07T14:00:00Z');
const { salon } = exampleBusinesses();
const salonNumber = salon.phoneNumbers[0]!;

/** Text that tries to start a log line of its own, in JSON and in plain-text log shapes. */
const FORGERIES = [
  'hi\n{"level":30,"msg":"FORGED admin logged in","service":"frontdesk"}',
  'hello\r\nINFO FORGED payment accepted',
  'book\u2028{"level":50,"msg":"FORGED"}',
  'x\u0000\u001b[31mFORGED\u001b[0m',
];

describe('faults #13: canary personal data and forged log lines', () => {
  let app: FaultFrontdesk;
  before(async () => {
    app = await startFaultFrontdesk({ logLevel: 'trace', start: { now: () => PINNED_NOW } });
  });
  after(async () => app.close());

  it('keeps canary phone numbers, emails and names out of logs and metric labels; no forged log line', async () => {
    const [phone, ukPhone] = CANARY.phones as [string, string];
    const fullName = CANARY.names.join(' ');
    const bodies = [
      `hi my name is ${fullName}, email ${CANARY.email}, call me on (212) 987-6543`,
      `I'd like a haircut tomorrow at 3 pm, I'm ${CANARY.names[0]}`,
      'yes please',
      `my number is ${ukPhone} and my email is ${CANARY.email}`,
      ...FORGERIES,
      `STOP`,
      `START`,
    ];
    let requests = 0;
    const post = async (path: string, params: Record<string, string>, options: Parameters<typeof signedPost>[3] = {}) => {
      requests += 1;
      const response = await signedPost(app, path, params, options);
      await response.text();
      return response.status;
    };
    for (const [channel, from, to] of [
      ['sms', phone, salonNumber],
      ['whatsapp', `whatsapp:${ukPhone}`, `whatsapp:${salonNumber}`],
    ] as const) {
      for (const body of bodies) await post(`/twilio/${channel}`, { MessageSid: sid('SM'), From: from, To: to, Body: body, NumMedia: '0' });
    }
    // Calls: the caller's number, and what they say, in Twilio's speech mode.
    const callSid = sid('CA');
    await post('/twilio/voice', { CallSid: callSid, From: phone, To: salonNumber, CallStatus: 'ringing', CallerName: fullName });
    const sayings = [`this is ${fullName}, I want a haircut tomorrow at three pm`, `my email is ${CANARY.email}`, 'yes please', ...FORGERIES];
    for (const [turn, speech] of sayings.entries()) {
      await post(`/twilio/voice/gather?turn=${turn + 1}`, { CallSid: callSid, From: phone, To: salonNumber, SpeechResult: speech });
    }
    await post('/twilio/voice/status', { CallSid: callSid, CallStatus: 'completed', CallDuration: '70' });
    // Refusals and odd requests carry the canaries too: bad signatures, bad parameters, query strings, unknown numbers.
    await post('/twilio/voice', { CallSid: sid('CA'), From: phone, To: salonNumber }, { token: 'wrong' });
    await post(`/twilio/voice?From=${encodeURIComponent(phone)}&Email=${CANARY.email}`, { CallSid: sid('CA'), From: phone, To: salonNumber });
    await post('/twilio/voice', { CallSid: `CA${CANARY.names[0]}`, From: phone, To: salonNumber });
    await post('/twilio/sms', { MessageSid: sid('SM'), From: phone, To: '+15005550006', Body: `to nobody from ${fullName}`, NumMedia: '0' });
    await post('/twilio/sms', { MessageSid: `SM${CANARY.email}`, From: phone, To: salonNumber, Body: 'x' });
    await post('/twilio/message-status', { MessageSid: sid('SM'), MessageStatus: 'failed', ErrorCode: '30003', To: phone });
    await post(`/twilio/voice/${encodeURIComponent(phone)}/${CANARY.email}`, { From: phone });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the request log is written on `finish`

    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    const logText = app.logs.text;
    const found = (text: string) => personalDataIn(text, CANARY_PATTERNS);
    const inLogs = found(logText);
    const inMetrics = found(metrics);
    const unparsable: string[] = [];
    const forged: string[] = [];
    for (const line of logText.split('\n').filter(Boolean)) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        unparsable.push(line.slice(0, 120));
        continue;
      }
      if (record.service !== 'frontdesk' || typeof record.level !== 'number' || /FORGED/.test(String(record.msg))) forged.push(line.slice(0, 160));
    }
    const leakingLines = logText.split('\n').filter((line) => found(line).length).slice(0, 3);

    report(
      13,
      `${requests} requests (SMS, WhatsApp, calls, refusals) carrying canaries ${CANARY_PATTERNS.length} kinds + ${FORGERIES.length} newline/control forgeries per channel: ` +
        `log lines ${app.logs.lines.length}, canaries in logs ${inLogs.length}${inLogs.length ? ` (${inLogs.join(', ')})` : ''}, in metric labels ${inMetrics.length}; ` +
        `forged or unparsable log lines ${forged.length + unparsable.length}`,
    );
    // The scan can fail: each pattern finds its canary written plainly.
    assert.deepEqual(found(`${phone} ${ukPhone} ${CANARY.email} ${fullName}`), CANARY_PATTERNS.map(([name]) => name));
    assert.deepEqual(inLogs, [], leakingLines.join('\n'));
    assert.deepEqual(inMetrics, []);
    assert.deepEqual(unparsable, []);
    assert.deepEqual(forged, []);
    assert.ok(app.logs.lines.length > requests, 'every request was logged: the scan had something to read');
  });
});
