import assert from 'node:assert/strict';
import twilio from 'twilio';
import { messagingTwiml } from '../../src/channels/messaging-twiml.js';

function built(message?: string): string {
  const response = new twilio.twiml.MessagingResponse();
  if (message !== undefined) response.message(message);
  return response.toString();
}

/** Random text over characters that matter to XML: markup, quotes, line ends, accents, emoji, controls, lone surrogates. */
function randomText(seed: number): string {
  const pieces = ['a', ' ', '&', '<', '>', '"', "'", '\r', '\n', '\t', 'é', 'ü', '😀', '\u0000', '\u0007', '\u000B', '\uD800', '\uDC00', '\uFFFE', ']]>', '&amp;', '€'];
  let text = '';
  let state = seed;
  for (let i = 0; i < 12; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    text += pieces[state % pieces.length];
  }
  return text;
}

/** The reply's TwiML must be exactly what twilio's builder gives: a replay is compared byte for byte. */
describe('messaging TwiML', () => {
  it('is byte for byte what MessagingResponse builds, with or without a message', () => {
    assert.equal(messagingTwiml(), built());
    for (const text of ['Hi! We open at 9 am.', 'a & b <c> "d" \'e\' \r\n ü 😀', '', 'tab\there']) {
      assert.equal(messagingTwiml(text), built(text), JSON.stringify(text));
    }
  });

  it('agrees with the builder on 2000 random texts, including those it refuses', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const text = randomText(seed);
      let expected: string | Error;
      try {
        expected = built(text);
      } catch (error) {
        expected = error as Error;
      }
      if (expected instanceof Error) assert.throws(() => messagingTwiml(text), JSON.stringify(text));
      else assert.equal(messagingTwiml(text), expected, JSON.stringify(text));
    }
  });
});
