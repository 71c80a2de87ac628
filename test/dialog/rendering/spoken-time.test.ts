import assert from 'node:assert/strict';
import { sayOptions, sayWhen } from '../../../src/dialog/rendering/spoken-time.js';

const zone = 'America/New_York';
const now = new Date('2026-03-02T15:00:00Z'); // Monday 10:00 in New York
const at = (iso: string) => new Date(iso);

describe('saying dates and times the way people do', () => {
  const cases: [string, string][] = [
    ['2026-03-02T19:00:00Z', 'today at 2 pm'],
    ['2026-03-03T14:30:00Z', 'tomorrow at 9:30 am'],
    ['2026-03-05T17:00:00Z', 'Thursday the 5th at noon'],
    ['2026-03-13T20:15:00Z', 'Friday the 13th of March at 4:15 pm'],
    ['2026-03-21T13:00:00Z', 'Saturday the 21st of March at 9 am'],
    ['2026-03-11T05:00:00Z', 'Wednesday the 11th of March at 1 am'],
  ];
  for (const [instant, spoken] of cases) {
    it(`${instant} → "${spoken}"`, () => assert.equal(sayWhen(at(instant), now, zone), spoken));
  }

  it('reads the business wall clock, also across the DST change', () => {
    // Sunday 8 March 2026 is the spring-forward day: 9 am is 13:00 UTC from then on.
    assert.equal(sayWhen(at('2026-03-09T13:00:00Z'), now, zone), 'Monday the 9th of March at 9 am');
    assert.equal(sayWhen(at('2026-03-02T15:00:00Z'), now, 'Europe/London'), 'today at 3 pm');
  });

  it('shares the day among options on the same day, and names each day otherwise', () => {
    assert.equal(
      sayOptions([at('2026-03-03T19:00:00Z'), at('2026-03-03T19:30:00Z'), at('2026-03-03T21:00:00Z')], now, zone),
      'tomorrow at 2 pm, 2:30 pm or 4 pm',
    );
    assert.equal(
      sayOptions([at('2026-03-03T19:00:00Z'), at('2026-03-04T14:00:00Z')], now, zone),
      'tomorrow at 2 pm or Wednesday the 4th at 9 am',
    );
    assert.equal(sayOptions([at('2026-03-03T19:00:00Z')], now, zone), 'tomorrow at 2 pm');
  });
});
