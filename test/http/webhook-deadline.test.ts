import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import twilio from 'twilio';
import { z } from 'zod';
import { twilioWebhook, type TwilioWebhookContext } from '../../src/http/twilio-webhook.js';
import type { IdempotencyLedger, LedgerOutcome } from '../../src/resilience/idempotency-ledger.js';
import { LogCapture } from '../support/log-capture.js';
import { createLogger } from '../../src/observability/logger.js';

const AUTH_TOKEN = 'deadline-test-token';

/** A ledger whose work takes `workMs` (a database that accepts connections and then stalls). */
function slowLedger(workMs: number): IdempotencyLedger {
  const answer: LedgerOutcome = { response: { status: 200, contentType: 'text/xml', body: '<Response>greeting</Response>' }, replayed: false, sameRequest: true };
  return {
    once: () => new Promise((resolve) => setTimeout(() => resolve(answer), workMs)),
    find: async () => undefined,
  } as unknown as IdempotencyLedger;
}

async function serve(workMs: number, answerWithinMs: number | undefined, logs: LogCapture) {
  const app = express();
  const server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const context: TwilioWebhookContext = {
    publicUrl: url,
    authToken: AUTH_TOKEN,
    ledger: slowLedger(workMs),
    logger: createLogger({ level: 'info', destination: logs }),
    onReplay: () => undefined,
    onResponse: () => undefined,
  };
  app.post(
    '/hook',
    ...twilioWebhook(context, {
      route: '/hook',
      params: z.looseObject({ CallSid: z.string() }),
      eventId: (params) => `hook:${params.CallSid}`,
      handle: async () => ({ status: 200, contentType: 'text/xml', body: 'unused' }),
      fallback: () => ({ status: 200, contentType: 'text/xml', body: '<Response>fallback</Response>' }),
      ...(answerWithinMs === undefined ? {} : { answerWithinMs }),
    }),
  );
  const post = async () => {
    const params = { CallSid: 'CA1' };
    const startedAt = Date.now();
    const response = await fetch(`${url}/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${url}/hook`, params) },
      body: new URLSearchParams(params),
    });
    return { body: await response.text(), ms: Date.now() - startedAt };
  };
  return { post, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('twilioWebhook answerWithinMs', () => {
  it('answers the fallback when the work outlasts the deadline, and logs how the work ended', async () => {
    const logs = new LogCapture();
    const hook = await serve(400, 100, logs);
    try {
      const { body, ms } = await hook.post();
      assert.equal(body, '<Response>fallback</Response>');
      assert.ok(ms < 350, `answered after ${ms} ms`);
      await logs.waitFor((record) => record.msg === 'webhook handler finished after its fallback was sent');
      assert.ok(logs.messages().includes('webhook not answered in time; answered with the fallback'));
    } finally {
      await hook.close();
    }
  });

  it('answers normally when the work is in time, and without a deadline however long it takes', async () => {
    const logs = new LogCapture();
    for (const [workMs, deadline] of [[10, 300], [200, undefined]] as const) {
      const hook = await serve(workMs, deadline, logs);
      try {
        assert.equal((await hook.post()).body, '<Response>greeting</Response>');
      } finally {
        await hook.close();
      }
    }
  });
});
