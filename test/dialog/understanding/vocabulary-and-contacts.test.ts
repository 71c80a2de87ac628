import assert from 'node:assert/strict';
import { understandByRules } from '../../../src/dialog/understanding/rule-understanding.js';
import type { UnderstandingContext } from '../../../src/dialog/understanding/types.js';
import { exampleBusinesses } from '../../support/businesses.js';

/** The shipped example businesses' own words, and contact details as callers say them. */

const { salon, dental } = exampleBusinesses();
const now = new Date('2026-03-04T14:00:00Z');
const atSalon: UnderstandingContext = { now, timeZone: salon.timeZone, business: salon };
const atDental: UnderstandingContext = { now, timeZone: dental.timeZone, business: dental };

describe('business vocabulary', () => {
  it('prefers the longest phrase: "beard trim" is not the "trim" of a haircut', () => {
    assert.equal(understandByRules('just a beard trim please', atSalon).slots.service, 'beard-trim');
    assert.equal(understandByRules('i need a trim', atSalon).slots.service, 'womens-cut');
  });

  it('finds staff by first name', () => {
    const understood = understandByRules('can i see anna on friday', atSalon);
    assert.equal(understood.slots.staff, 'anna');
    assert.equal(understood.slots.date, '2026-03-06');
  });

  it('reads asking for a named member of staff as a transfer', () => {
    const understood = understandByRules('um can i speak to ben please', atSalon);
    assert.equal(understood.intent, 'transfer');
    assert.equal(understood.slots.staff, 'ben');
  });

  it('finds a service by a synonym the owner listed', () => {
    assert.equal(understandByRules('i have a really bad toothache', atDental).slots.service, 'emergency');
  });

  it('reads an FAQ question by its keywords', () => {
    const understood = understandByRules('is there parking near you', atDental);
    assert.equal(understood.slots.faqTopic, 'parking');
    assert.equal(understood.intent, 'faq');
  });
});

describe('contact details', () => {
  it('reads a spoken UK mobile number for a London business', () => {
    assert.equal(understandByRules('my number is oh seven nine one one one two three four five six', atDental).slots.phone, '+447911123456');
    assert.equal(understandByRules('my number is 07911 123456', atDental).slots.phone, '+447911123456');
  });

  it('reads digits spoken one by one as a US number for a New York business', () => {
    assert.equal(understandByRules('it is two one two five five five oh one four two', atSalon).slots.phone, '+12125550142');
  });

  it('reads a spoken email address', () => {
    assert.equal(understandByRules('its jane dot doe at gmail dot com', atSalon).slots.email, 'jane.doe@gmail.com');
  });

  it('reads a name when asked for it, and from "my name is"', () => {
    assert.equal(understandByRules('my name is maria lopez', atSalon).slots.name, 'Maria Lopez');
    assert.equal(understandByRules('uh its priya', { ...atSalon, expecting: 'name' }).slots.name, 'Priya');
  });
});
