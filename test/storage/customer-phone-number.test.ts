import assert from 'node:assert/strict';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { customerPhoneNumber } from '../../src/storage/customers.js';

/** What libphonenumber alone answers: the definition the shortcut for +1 numbers must keep. */
function byLibrary(address: string): string | undefined {
  const parsed = parsePhoneNumberFromString(address.replace(/^whatsapp:/, ''));
  return parsed?.isPossible() ? parsed.number : undefined;
}

describe('customerPhoneNumber', () => {
  it('answers as libphonenumber does for 20 000 random +1 numbers of every length from 8 to 13 digits', () => {
    let state = 7;
    const digit = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) % 10).toString();
    for (let i = 0; i < 20_000; i++) {
      const length = 8 + (i % 6);
      const address = `${i % 3 === 0 ? 'whatsapp:' : ''}+1${Array.from({ length }, digit).join('')}`;
      assert.equal(customerPhoneNumber(address), byLibrary(address), address);
    }
  });

  it('leaves other addresses to libphonenumber', () => {
    for (const address of ['+442071838750', 'whatsapp:+4915112345678', '+7 495 123-45-67', 'client:alice', 'anonymous', '', '+1 (212) 555-0100', '+1212555010']) {
      assert.equal(customerPhoneNumber(address), byLibrary(address), address);
    }
    assert.equal(customerPhoneNumber('+15550001000'), '+15550001000');
  });
});
