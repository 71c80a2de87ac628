import assert from 'node:assert/strict';
import { understandByRules } from '../../../src/dialog/understanding/rule-understanding.js';
import type { UnderstandingContext } from '../../../src/dialog/understanding/types.js';
import { exampleBusinesses } from '../../support/businesses.js';

const { salon } = exampleBusinesses();
const context = { now: new Date('2026-11-23T15:00:00Z'), timeZone: salon.timeZone, business: salon };
const offer = {
  ...context,
  previousPrompt: 'I can do Tuesday at 2 pm, 2:30 pm or 4 pm. Which would you like?',
  expecting: 'choice' as const,
};

describe('picking one of the offered times', () => {
  const cases: [string, UnderstandingContext, number | undefined][] = [
    ['the first one', offer, 1],
    ['um the second one please', offer, 2],
    ['option three', offer, 3],
    ['the last one', offer, -1],
    ['second', offer, 2],
    ['the first one', context, 1],
    ['the second', context, undefined],
    ['2', offer, 2],
    ['3.', offer, 3],
    ['2', context, undefined],
  ];
  for (const [utterance, where, choice] of cases) {
    it(`"${utterance}"${where === offer ? ' after an offer' : ''} → ${choice ?? 'no choice'}`, () => {
      const understood = understandByRules(utterance, where);
      assert.equal(understood.slots.choice, choice);
      if (choice !== undefined) {
        assert.ok(understood.acts.includes('select'));
        assert.equal(understood.slots.date, undefined, 'a pick is not a date');
      }
    });
  }

  it('still reads "the second" as a date when no options were offered', () => {
    assert.equal(understandByRules('can i come in on the second', context).slots.date, '2026-12-02');
  });
});

describe('a phone number read out digit by digit', () => {
  it('is a phone number and not also a clock time', () => {
    const understood = understandByRules('my number is two one two five five five zero one two three', context);
    assert.equal(understood.slots.phone, '+12125550123');
    assert.equal(understood.slots.time, undefined);
  });
});

describe('asking for the times offered to move', () => {
  const cases: [string, 'earlier' | 'later' | undefined][] = [
    ['anything earlier', 'earlier'],
    ['do you have something a bit sooner', 'earlier'],
    ['later please', 'later'],
    ['is there anything after that', 'later'],
    ['maybe later thanks', undefined],
    ["i'll call you back later", undefined],
    ['the first one', undefined],
  ];
  for (const [utterance, shift] of cases) {
    it(`"${utterance}" → ${shift ?? 'no shift'}`, () => {
      assert.equal(understandByRules(utterance, offer).slots.shift, shift);
    });
  }
});
