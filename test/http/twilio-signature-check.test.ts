import assert from 'node:assert/strict';
import twilio from 'twilio';
import { isTwilioSignature } from '../../src/http/twilio-signature.js';

describe('isTwilioSignature', () => {
  const token = 'test-auth-token';
  const params = { CallSid: 'CA0123', From: '+12125550199', Body: 'hi there & more', Media: ['b', 'a', 'b'] };
  const received = [
    'http://127.0.0.1:3000/twilio/voice',
    'https://frontdesk.example/twilio/voice',
    'https://frontdesk.example:443/twilio/sms?x=1',
    "https://frontdesk.example/twilio/voice/gather?turn=2&q=it's",
  ];
  // Forms of each URL a signer might have used: as received, with or without a port, escaped.
  const signedForms = (url: string) => [
    url,
    url.replace(/:(\d+)\//, '/'),
    url.replace('frontdesk.example/', 'frontdesk.example:443/'),
    url.replace("'", '%27'),
    url.replace('/twilio', '/other'),
  ];

  for (const url of received) {
    it(`accepts and refuses exactly what the SDK does for ${url}`, () => {
      for (const signedUrl of signedForms(url)) {
        for (const signedWith of [token, 'another-token']) {
          const signature = twilio.getExpectedTwilioSignature(signedWith, signedUrl, params);
          assert.equal(
            isTwilioSignature(token, signature, url, params),
            twilio.validateRequest(token, signature, url, params),
            `signed for ${signedUrl} with ${signedWith}`,
          );
        }
      }
    });
  }

  it('accepts the signature of the URL as received and refuses a changed parameter', () => {
    const url = received[0]!;
    const signature = twilio.getExpectedTwilioSignature(token, url, params);
    assert.equal(isTwilioSignature(token, signature, url, params), true);
    assert.equal(isTwilioSignature(token, signature, url, { ...params, From: '+12125550198' }), false);
    assert.equal(isTwilioSignature(token, '', url, params), false);
  });
});
