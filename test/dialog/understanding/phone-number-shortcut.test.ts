import assert from 'node:assert/strict';
import { findNumbers, getCountries, Metadata, type CountryCode } from 'libphonenumber-js';
import { findPhone, SHORTEST_NATIONAL_NUMBER } from '../../../src/dialog/understanding/contact-details.js';
import { exampleBusinesses } from '../../support/businesses.js';

/**
 * `findPhone` does not ask libphonenumber about a text with fewer than
 * `SHORTEST_NATIONAL_NUMBER` digits. These hold that shortcut to the library's own answers.
 */
describe('the phone number shortcut', () => {
  it('is no longer than the shortest national number any numbering plan allows', () => {
    const metadata = new Metadata();
    const shortest = Math.min(
      ...getCountries().map((country) => {
        metadata.selectNumberingPlan(country);
        return Math.min(...metadata.numberingPlan!.possibleLengths());
      }),
    );
    assert.ok(SHORTEST_NATIONAL_NUMBER <= shortest, `a numbering plan allows ${shortest} digits`);
  });

  it('skips only texts in which the library finds no valid number, from any country', () => {
    let state = 7;
    const random = (below: number) => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state % below;
    };
    const pieces = ['+', '00', '011', '(', ')', '-', ' ', '.', 'call', 'at', 'pm', '#', 'ext', '٣', '３'];
    const countries: CountryCode[] = ['US', 'GB', 'AT', 'NU', 'SH', 'DE'];
    for (let i = 0; i < 20_000; i += 1) {
      const parts: string[] = [];
      let digits = 0;
      while (parts.length < 1 + random(6)) {
        if (random(2) && digits < SHORTEST_NATIONAL_NUMBER - 1) {
          const run = 1 + random(SHORTEST_NATIONAL_NUMBER - 1 - digits);
          parts.push(String(random(10 ** run)).padStart(run, '0'));
          digits += run;
        } else {
          const piece = pieces[random(pieces.length)]!;
          if (/\p{Nd}/u.test(piece)) {
            if (digits + piece.length >= SHORTEST_NATIONAL_NUMBER) continue;
            digits += [...piece.matchAll(/\p{Nd}/gu)].length;
          }
          parts.push(piece);
        }
      }
      const text = parts.join(random(2) ? ' ' : '');
      for (const country of countries) {
        const valid = findNumbers(text, { defaultCountry: country, v2: true }).filter((found) => found.number.isValid());
        assert.deepEqual(valid, [], `${JSON.stringify(text)} in ${country}`);
      }
    }
  });

  it('still finds numbers read out or typed', () => {
    const { salon, dental } = exampleBusinesses();
    assert.equal(findPhone('my number is 212 555 0142', 'my number is 212 555 0142', salon), '+12125550142');
    assert.equal(findPhone('two one two five five five oh one four two', 'two one two five five five oh one four two', salon), '+12125550142');
    assert.equal(findPhone('07911 123456', '07911 123456', dental), '+447911123456');
    assert.equal(findPhone('tomorrow at 2 pm', 'tomorrow at 2 pm', salon), undefined);
  });
});
