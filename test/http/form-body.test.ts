import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { errorHandler } from '../../src/http/errors.js';
import { formBody, isFormRequest } from '../../src/http/form-body.js';
import { createLogger } from '../../src/observability/logger.js';
import { LogCapture } from '../support/log-capture.js';

/** A webhook's form body over a real socket, read directly or (anything unusual) by express.urlencoded. */
describe('webhook form bodies', () => {
  let url: string;
  let close: () => Promise<unknown>;

  before(async () => {
    const app = express();
    app.post('/form', formBody({ limitBytes: 1024, parameterLimit: 6 }), (req, res) => {
      res.json({ body: req.body ?? null, prototype: Object.getPrototypeOf(req.body ?? {}) === Object.prototype });
    });
    app.use(errorHandler(createLogger({ level: 'silent', destination: new LogCapture() })));
    const server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/form`;
    close = () => new Promise((resolve) => server.close(resolve));
  });
  after(async () => close());

  const post = async (body: string | Buffer, contentType = 'application/x-www-form-urlencoded') => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
    return { status: response.status, json: (await response.json()) as { body?: unknown; prototype?: boolean; error?: { code: string } } };
  };

  it('parses a Twilio form: decoding, repeated parameters as arrays, empty values, a BOM dropped', async () => {
    const { status, json } = await post('\uFEFFBody=caf%C3%A9+%26+tea%21&To=%2B15550001000&Media=a&Media=b&Media=c&Empty=');
    assert.equal(status, 200);
    assert.deepEqual(json.body, { Body: 'café & tea!', To: '+15550001000', Media: ['a', 'b', 'c'], Empty: '' });
  });

  it('keeps a parameter named __proto__ as a parameter', async () => {
    const { json } = await post('__proto__=x&a=1');
    assert.deepEqual(json.body, { ['__proto__']: 'x', a: '1' });
    assert.equal(json.prototype, true);
  });

  it('gives the same body through express.urlencoded for a form it does not read itself', async () => {
    const direct = await post('Body=caf%C3%A9&Media=a&Media=b');
    const general = await post('Body=caf%C3%A9&Media=a&Media=b', 'application/x-www-form-urlencoded; charset=iso-8859-1');
    assert.deepEqual(general.json.body, { Body: 'cafÃ©', Media: ['a', 'b'] }, 'latin-1 as declared');
    assert.deepEqual(direct.json.body, { Body: 'café', Media: ['a', 'b'] });
  });

  it('refuses too many parameters with 400 and too large a body with 413', async () => {
    assert.deepEqual([(await post('a=1&b=2&c=3&d=4&e=5&f=6&g=7')).status, (await post('a=1&b=2&c=3&d=4&e=5&f=6&g=7')).json.error?.code], [400, 'malformed_body']);
    const large = await post(`Body=${'x'.repeat(2000)}`);
    assert.deepEqual([large.status, large.json.error?.code], [413, 'payload_too_large']);
  });

  it('leaves the body unread for another content type', async () => {
    assert.deepEqual((await post('{"a":1}', 'application/json')).json.body, null);
  });
});

/** `isFormRequest` answers as `req.is('application/x-www-form-urlencoded')` does, for every header combination. */
describe('isFormRequest', () => {
  it('agrees with req.is over content types, lengths and chunking', async () => {
    const app = express();
    const types = [undefined, 'application/x-www-form-urlencoded', 'Application/X-WWW-Form-URLEncoded; Charset=UTF-8', 'application/x-www-form-urlencoded; charset=utf-8', 'application/x-www-form-urlencoded; charset=latin1', 'application/json', 'text/plain', 'garbage'];
    const lengths = [undefined, '0', '12', '', 'abc'];
    for (const type of types) {
      for (const length of lengths) {
        for (const chunked of [false, true]) {
          const headers: Record<string, string> = {};
          if (type !== undefined) headers['content-type'] = type;
          if (length !== undefined) headers['content-length'] = length;
          if (chunked) headers['transfer-encoding'] = 'chunked';
          const req = Object.setPrototypeOf({ headers }, app.request) as express.Request;
          assert.equal(isFormRequest(req), Boolean(req.is('application/x-www-form-urlencoded')), JSON.stringify(headers));
        }
      }
    }
  });
});
