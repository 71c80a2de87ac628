import assert from 'node:assert/strict';
import { startFaultProxy } from '../fakes/fault-proxy.js';
import { TwilioMediaClient } from '../fakes/twilio-media.js';
import { exampleBusinesses } from '../support/businesses.js';
import { sid, signedPost } from '../support/frontdesk.js';
import { nextPhone } from '../support/scheduling.js';
import { counterValue, inParallel, report, startFaultFrontdesk, waitUntil, type FaultFrontdesk } from './support.js';
import { startVoiceFakes, type VoiceFakes } from '../support/voice-fakes.js';

const CALLS = 20;
const { salon } = exampleBusinesses();
const salonNumber = salon.phoneNumbers[0]!;

describe('faults #10: the media websocket dropped mid-call', () => {
  let fakes: VoiceFakes;
  let app: FaultFrontdesk;
  before(async () => {
    fakes = await startVoiceFakes();
    app = await startFaultFrontdesk({ logLevel: 'error', env: fakes.env });
  });
  after(async () => fakes.closeAfter(app));

  it(`${CALLS} calls whose stream is reset mid-greeting all go on with the fallback verbs`, async () => {
    const appPort = Number(new URL(app.url).port);
    const outcomes = await inParallel(Array.from({ length: CALLS }, (_, i) => i), 5, async (i) => {
      const callSid = sid('CA');
      fakes.twilio.addCall(callSid);
      const answer = await (await signedPost(app, '/twilio/voice', { CallSid: callSid, From: nextPhone(), To: salonNumber, CallStatus: 'ringing' })).text();
      const streamUrl = /<Stream url="([^"]+)"/.exec(answer)?.[1];
      const token = /<Parameter name="callToken" value="([^"]+)"/.exec(answer)?.[1];
      const redirect = /<\/Connect>\s*<Redirect[^>]*>([^<]+)<\/Redirect>/.exec(answer)?.[1];
      if (!streamUrl || !token) return { callSid, stream: false, redirect: Boolean(redirect), fallback: false, detail: answer.slice(0, 200) };

      // Twilio's websocket goes through a fault proxy, so the network can drop it under the call.
      const network = await startFaultProxy({ host: '127.0.0.1', port: appPort });
      try {
        const client = await TwilioMediaClient.connect({ url: `ws://127.0.0.1:${network.port}/media-streams`, signedUrl: streamUrl, authToken: app.authToken, callSid });
        client.start({ callToken: token });
        await client.waitFor((outbound) => outbound.filter((record) => record.event === 'media').length >= 5 + i, 10_000);
        network.reset();
        await client.closed;
      } finally {
        await network.close();
      }
      // Twilio goes on with the TwiML after <Connect>: the redirect to the stream-ended route.
      const path = redirect ? new URL(redirect.replace(/&amp;/g, '&'), app.publicUrl).pathname : '/twilio/voice/stream-ended';
      const next = await signedPost(app, path, { CallSid: callSid, To: salonNumber, From: nextPhone() });
      const twiml = await next.text();
      const fallback = next.status === 200 && /<Gather|<Dial/.test(twiml);
      return { callSid, stream: true, redirect: Boolean(redirect), fallback, detail: twiml.slice(0, 200) };
    });
    await waitUntil(async () => (await counterValue(app, 'frontdesk_calls_active')) === 0, 10_000, 'the dropped calls to end on our side');
    const reachedFallback = outcomes.filter((outcome) => outcome.stream && outcome.fallback).length;

    report(
      10,
      `media websocket reset mid-greeting × ${CALLS}: stream calls ${outcomes.filter((outcome) => outcome.stream).length}, ` +
        `with a <Redirect> after <Connect> ${outcomes.filter((outcome) => outcome.redirect).length}, reached the fallback verbs ${reachedFallback}/${CALLS}; calls active after ${await counterValue(app, 'frontdesk_calls_active')}`,
    );
    assert.deepEqual(outcomes.filter((outcome) => !outcome.stream || !outcome.redirect || !outcome.fallback).slice(0, 2), []);
    assert.equal(reachedFallback, CALLS);
  });
});
