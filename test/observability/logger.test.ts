import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpLogger, createLogger, type Logger } from '../../src/observability/logger.js';
import { LogCapture } from '../support/log-capture.js';

const PHONE = '+12125550123';
const PHONE_DIGITS = '2125550123';
const EMAIL = 'alice.smith@example.com';

/** Nothing personal anywhere in the raw output, whatever the field. */
function assertNoPersonalData(logs: LogCapture): void {
  assert.ok(logs.lines.length > 0, 'expected something to be logged');
  assert.doesNotMatch(logs.text, new RegExp(PHONE_DIGITS));
  assert.doesNotMatch(logs.text, /alice\.smith/);
}


function captured(level = 'info'): { logger: Logger; capture: LogCapture } {
  const capture = new LogCapture();
  return { logger: createLogger({ level, destination: capture }), capture };
}

describe('createLogger', () => {
  it('writes JSON lines with the service name, an ISO time and the level', () => {
    const { logger, capture } = captured();
    logger.info({ port: 3000 }, 'web listening');
    const record = capture.last();
    assert.equal(record.service, 'frontdesk');
    assert.equal(record.msg, 'web listening');
    assert.equal(record.level, 30);
    assert.equal(record.port, 3000);
    assert.match(String(record.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('respects the level', () => {
    const { logger, capture } = captured('warn');
    logger.info('not written');
    logger.warn('written');
    assert.deepEqual(capture.records().map((record) => record.msg), ['written']);
  });

  it('masks a phone number and an email in the message, interpolated or not', () => {
    const { logger, capture } = captured();
    logger.info(`call from ${PHONE} <${EMAIL}>`);
    logger.info('call from %s', PHONE);
    logger.info({ callSid: 'CA0123456789abcdef0123456789abcdef' }, `text to ${PHONE}`);
    assert.deepEqual(capture.records().map((record) => record.msg), [
      'call from ***0123 <***@example.com>',
      'call from ***0123',
      'text to ***0123',
    ]);
    assert.equal(capture.last().callSid, 'CA0123456789abcdef0123456789abcdef');
    assertNoPersonalData(capture);
  });

  it('masks personal data in fields at any depth, and in field names', () => {
    const { logger, capture } = captured();
    logger.info(
      {
        from: PHONE,
        customer: { contact: { phones: [{ mobile: PHONE }], email: EMAIL } },
        [PHONE]: 'keyed by number',
        startsAt: '2026-11-23T15:00:00.000Z',
        durationMs: 1500,
      },
      'booking confirmed',
    );
    const record = capture.last();
    assert.equal(record.from, '***0123');
    assert.deepEqual(record.customer, { contact: { phones: [{ mobile: '***0123' }], email: '***@example.com' } });
    assert.equal(record['***0123'], 'keyed by number');
    assert.equal(record.startsAt, '2026-11-23T15:00:00.000Z');
    assert.equal(record.durationMs, 1500);
    assertNoPersonalData(capture);
  });

  it('does not change the objects it is given', () => {
    const { logger } = captured();
    const fields = { from: PHONE, nested: { email: EMAIL } };
    logger.info(fields, 'received');
    assert.deepEqual(fields, { from: PHONE, nested: { email: EMAIL } });
  });

  it('masks an error’s message, stack and custom properties, keeping type and code', () => {
    const { logger, capture } = captured();
    class SendError extends Error {
      code = 'E_SEND';
      recipient = PHONE;
    }
    const error = new SendError(`could not text ${PHONE}`, { cause: new Error(`bounced ${EMAIL}`) });
    logger.error({ err: error }, 'confirmation failed');
    const err = capture.last().err as Record<string, unknown>;
    assert.equal(err.type, 'SendError');
    assert.equal(err.code, 'E_SEND');
    assert.equal(err.message, 'could not text ***0123');
    assert.equal(err.recipient, '***0123');
    assert.match(String(err.stack), /^Error: could not text \*\*\*0123\n\s+at /);
    assert.equal((err.cause as Record<string, unknown>).message, 'bounced ***@example.com');
    assert.equal(error.message, `could not text ${PHONE}`, 'the error itself is untouched');
    assertNoPersonalData(capture);
  });

  it('masks the message pino takes from an error logged without one', () => {
    const { logger, capture } = captured();
    logger.error(new Error(`no route for ${PHONE}`));
    logger.error({ err: new Error(`no route for ${PHONE}`) });
    for (const record of capture.records()) {
      assert.equal(record.msg, 'no route for ***0123');
      assert.equal((record.err as Record<string, unknown>).message, 'no route for ***0123');
    }
    assertNoPersonalData(capture);
  });

  it('masks an error under any other field name', () => {
    const { logger, capture } = captured();
    logger.warn({ failure: new Error(`rejected ${PHONE}`) }, 'retrying');
    const failure = capture.last().failure as Record<string, unknown>;
    assert.equal(failure.type, 'Error');
    assert.equal(failure.message, 'rejected ***0123');
    assertNoPersonalData(capture);
  });

  it('logs a request or response field outside pino-http with the same safe shape', () => {
    const { logger, capture } = captured();
    logger.info(
      { req: { method: 'GET', url: `/customers/${PHONE}?email=${EMAIL}`, headers: { cookie: 'x' } }, res: { statusCode: 200, body: PHONE } },
      'proxied',
    );
    const record = capture.last();
    assert.deepEqual(record.req, { method: 'GET', path: '/customers/***0123' });
    assert.deepEqual(record.res, { statusCode: 200 });
    assertNoPersonalData(capture);
  });

  it('masks child and grandchild bindings', () => {
    const { logger, capture } = captured();
    const child = logger.child({ caller: PHONE });
    child.child({ email: EMAIL }).info('turn ended');
    child.setBindings({ callee: PHONE });
    child.info('rebound');
    const [first, second] = capture.records();
    assert.equal(first?.caller, '***0123');
    assert.equal(first?.email, '***@example.com');
    assert.equal(second?.callee, '***0123');
    assertNoPersonalData(capture);
  });

  it('survives cyclic fields', () => {
    const { logger, capture } = captured();
    const call: Record<string, unknown> = { from: PHONE };
    call.self = call;
    logger.info({ call }, 'cyclic');
    assert.deepEqual(capture.last().call, { from: '***0123', self: '[Circular]' });
  });

  it('refuses pretty output to an explicit destination', () => {
    assert.throws(() => createLogger({ level: 'info', pretty: true, destination: new LogCapture() }), TypeError);
  });
});

describe('createHttpLogger', () => {
  let server: Server;
  let origin: string;
  let capture: LogCapture;

  before(async () => {
    capture = new LogCapture();
    const httpLogger = createHttpLogger(createLogger({ level: 'debug', destination: capture }));
    server = createServer((req, res) => {
      httpLogger(req, res);
      req.log.info({ from: PHONE }, 'handler ran');
      const path = (req.url ?? '').split('?')[0];
      if (path === '/boom') res.statusCode = 500;
      if (path === '/missing') res.statusCode = 404;
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.close();
    await once(server, 'close');
  });

  beforeEach(() => {
    capture.lines.length = 0;
  });

  const completed = (requestId: string) => (record: Record<string, unknown>) =>
    record.requestId === requestId && record.res !== undefined;

  it('gives each request an id, echoes it, and binds it to req.log', async () => {
    const response = await fetch(`${origin}/twilio/sms`, { method: 'POST' });
    const requestId = response.headers.get('x-request-id') ?? '';
    assert.match(requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const handlerLine = await capture.waitFor((record) => record.msg === 'handler ran');
    assert.equal(handlerLine.requestId, requestId);
    assert.equal(handlerLine.from, '***0123');
    assert.equal(handlerLine.req, undefined, 'req.log carries the id, not the whole request');
  });

  it('keeps a well-formed X-Request-Id from the caller and replaces a malformed one', async () => {
    const kept = await fetch(`${origin}/ok`, { headers: { 'x-request-id': 'edge-7f3a.1' } });
    assert.equal(kept.headers.get('x-request-id'), 'edge-7f3a.1');
    await capture.waitFor(completed('edge-7f3a.1'));
    const replaced = await fetch(`${origin}/ok`, { headers: { 'x-request-id': 'has spaces {}' } });
    assert.notEqual(replaced.headers.get('x-request-id'), 'has spaces {}');
  });

  it('logs method, path without query, status and response time — never headers, query or body', async () => {
    const response = await fetch(`${origin}/customers/${encodeURIComponent(PHONE)}?From=${encodeURIComponent(PHONE)}&email=${EMAIL}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer secret-token' },
      body: `From=${encodeURIComponent(PHONE)}&Body=hello`,
    });
    const requestId = response.headers.get('x-request-id') ?? '';
    const record = await capture.waitFor(completed(requestId));
    assert.deepEqual(record.req, { method: 'POST', path: '/customers/***0123' });
    assert.deepEqual(record.res, { statusCode: 200 });
    assert.equal(typeof record.responseTime, 'number');
    assert.equal(record.level, 30);
    assert.equal(record.service, 'frontdesk');
    assert.doesNotMatch(capture.text, /secret-token|From=|Body=|hello|authorization/);
    assertNoPersonalData(capture);
  });

  it('logs 5xx at error and 4xx at warn', async () => {
    const failed = await fetch(`${origin}/boom`);
    const missing = await fetch(`${origin}/missing`);
    const failedLine = await capture.waitFor(completed(failed.headers.get('x-request-id') ?? ''));
    const missingLine = await capture.waitFor(completed(missing.headers.get('x-request-id') ?? ''));
    assert.equal(failedLine.level, 50);
    assert.equal(missingLine.level, 40);
  });

  it('logs successful /health and /metrics polls at debug, not info', async () => {
    for (const path of ['/health', '/metrics']) {
      const response = await fetch(`${origin}${path}`);
      const record = await capture.waitFor(completed(response.headers.get('x-request-id') ?? ''));
      assert.equal(record.level, 20, path);
    }
  });
});
