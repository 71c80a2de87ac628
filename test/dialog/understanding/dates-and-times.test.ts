import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { understandByRules } from '../../../src/dialog/understanding/rule-understanding.js';
import type { UnderstandingContext } from '../../../src/dialog/understanding/types.js';
import { testBusiness } from '../../support/business-fixture.js';

/**
 * Spoken dates and times as a speech recogniser writes them, resolved on the business's wall
 * clock. "Now" is Wednesday 2026-03-04 09:00 in New York unless a row says otherwise.
 */

const timeZone = 'America/New_York';
const now = DateTime.fromISO('2026-03-04T09:00', { zone: timeZone }).toJSDate();
const context: UnderstandingContext = { now, timeZone };

const dates: [string, string | undefined][] = [
  ['can i come in today', '2026-03-04'],
  ['tomorrow works', '2026-03-05'],
  ['um the day after tomorrow', '2026-03-06'],
  ['this friday please', '2026-03-06'],
  ['next tuesday', '2026-03-10'],
  ['tuesday next week', '2026-03-10'],
  ['monday next week', '2026-03-09'],
  ['wednesday', '2026-03-11'],
  ['this wednesday', '2026-03-04'],
  ['the second', '2026-04-02'],
  ['on the twenty first', '2026-03-21'],
  ['the fifth of this month', '2026-03-05'],
  ['the third of next month', '2026-04-03'],
  ['march twenty second', '2026-03-22'],
  ['the 9th of april', '2026-04-09'],
  ['january tenth', '2027-01-10'],
  ['in two weeks', '2026-03-18'],
  ['sometime next week', undefined],
  ['thursday no friday', '2026-03-06'],
  ['the third sorry i mean the fourth', '2026-03-04'],
  ['i like the second one', undefined],
  ["that's all for today thanks", undefined],
  ['what is the weather like on friday', undefined],
  ['yes no problem', undefined],
];

const times: [string, string | undefined][] = [
  ['at three thirty pm', '15:30'],
  ['three thirty', '15:30'],
  ['at three thirty', '15:30'],
  ['half past two', '14:30'],
  ['a quarter to five', '16:45'],
  ['quarter past ten in the morning', '10:15'],
  ['noon', '12:00'],
  ['twelve noon tomorrow', '12:00'],
  ['at 4', '16:00'],
  ['at 10', '10:00'],
  ['around eight', '08:00'],
  ['at seven', '19:00'],
  ['ten oh five am', '10:05'],
  ['evening 5:45', '17:45'],
  ['afternoon 12', '12:00'],
  ['one in the afternoon', '13:00'],
  ['15:00', '15:00'],
  ['3 p.m.', '15:00'],
  ['at 3 no 4 pm', '16:00'],
  ['at four uh sorry five', '17:00'],
  ['thirteen hundred', '13:00'],
  ['afternoon one', '13:00'],
  ['at 5 bon air road', undefined],
  ['a table for 4 people', undefined],
  ['they have 4 stars', undefined],
  ['the 7th', undefined],
  ['a different one', undefined],
];

describe('spoken dates', () => {
  for (const [utterance, expected] of dates) {
    it(`"${utterance}" → ${expected ?? 'no date'}`, () => {
      assert.equal(understandByRules(utterance, context).slots.date, expected);
    });
  }
});

describe('spoken times', () => {
  for (const [utterance, expected] of times) {
    it(`"${utterance}" → ${expected ?? 'no time'}`, () => {
      assert.equal(understandByRules(utterance, context).slots.time, expected);
    });
  }

  it('reads "first thing in the morning" as the start of the business day', () => {
    assert.deepEqual(understandByRules('first thing in the morning', context).slots.timeOfDay, { from: '08:00', to: '10:00' });
  });

  it('reads "in the afternoon" as a range, not a time', () => {
    const understood = understandByRules('sometime in the afternoon', context);
    assert.equal(understood.slots.time, undefined);
    assert.deepEqual(understood.slots.timeOfDay, { from: '12:00', to: '17:00' });
  });
});

describe('ambiguous hours against the business hours', () => {
  const lateOpener = testBusiness((draft) => {
    const hours = { open: '12:00', close: '21:00' };
    draft.weeklyHours = { monday: hours, tuesday: hours, wednesday: hours, thursday: hours, friday: hours };
  });
  const earlyOpener = testBusiness((draft) => {
    const hours = { open: '06:00', close: '14:00' };
    draft.weeklyHours = { monday: hours, tuesday: hours, wednesday: hours, thursday: hours, friday: hours };
  });

  it('reads "at 8" as 20:00 when the business opens only in the afternoon and evening', () => {
    assert.equal(understandByRules('friday at 8', { ...context, business: lateOpener }).slots.time, '20:00');
    assert.equal(understandByRules('friday at 8', context).slots.time, '08:00');
  });

  it('reads "at 7" as 07:00 when the business works mornings', () => {
    assert.equal(understandByRules('at seven tomorrow', { ...context, business: earlyOpener }).slots.time, '07:00');
    assert.equal(understandByRules('at seven tomorrow', context).slots.time, '19:00');
  });

  it('falls back to 08:00–20:00 when neither reading is open', () => {
    assert.equal(understandByRules('at 11', { ...context, business: lateOpener }).slots.time, '11:00');
  });

  it('keeps an explicit am or pm even when the business is closed then', () => {
    assert.equal(understandByRules('at 8 am', { ...context, business: lateOpener }).slots.time, '08:00');
  });
});

describe('spans of days', () => {
  // Monday 2026-12-07, 09:00 in New York.
  const monday = { now: new Date('2026-12-07T14:00:00Z'), timeZone: 'America/New_York' };
  const cases: [string, { from: string; to: string } | undefined][] = [
    ['a haircut next week please', { from: '2026-12-14', to: '2026-12-20' }],
    ['sometime this week', { from: '2026-12-07', to: '2026-12-13' }],
    ['anything this weekend', { from: '2026-12-12', to: '2026-12-13' }],
    ['next weekend', { from: '2026-12-19', to: '2026-12-20' }],
    ['in the next few days', { from: '2026-12-07', to: '2026-12-10' }],
    ['tuesday next week', undefined],
  ];
  for (const [utterance, range] of cases) {
    it(`"${utterance}" → ${range ? `${range.from}..${range.to}` : 'a single day, not a span'}`, () => {
      assert.deepEqual(understandByRules(utterance, monday).slots.dateRange, range);
    });
  }
});
