import assert from 'node:assert/strict';
import { RuleUnderstanding, understandByRules } from '../../../src/dialog/understanding/rule-understanding.js';
import type { DialogAct, Intent, UnderstandingContext } from '../../../src/dialog/understanding/types.js';

/** Dialogue acts and intents from spoken-style sentences (no punctuation, fillers left in). */

const context: UnderstandingContext = { now: new Date('2026-03-04T14:00:00Z'), timeZone: 'America/New_York' };

const intents: [string, Intent][] = [
  ['hi um i would like to book a haircut', 'book'],
  ['can i make an appointment for friday', 'book'],
  ['can i move my appointment', 'reschedule'],
  ['i need to reschedule', 'reschedule'],
  ['i need to move my cleaning to next week', 'reschedule'],
  ['could we push my appointment back to next week', 'reschedule'],
  ['i need to cancel', 'cancel'],
  ['uh please cancel my booking for tomorrow', 'cancel'],
  ["i can't make it on thursday", 'cancel'],
  ['something came up and i cant come tomorrow', 'cancel'],
  ['where are you located', 'faq'],
  ['do you take insurance', 'faq'],
  ['what are your opening hours', 'faq'],
  ['what time do you close on saturday', 'faq'],
  ['what is your cancellation policy', 'faq'],
  ['do you guys take walk ins', 'faq'],
  ['how much do you charge for highlights', 'faq'],
  ['can i speak to a person', 'transfer'],
  ['i want to talk to a real human', 'transfer'],
  ['put me through to the front desk', 'transfer'],
  ['when am i free on the 5th', 'availability'],
  ['do you have anything available tomorrow afternoon', 'availability'],
  ['whats the earliest you have', 'availability'],
  ['can you find me a dentist in san jose', 'other'],
  ["what's on my calendar for friday", 'other'],
];

describe('intents', () => {
  for (const [utterance, expected] of intents) {
    it(`"${utterance}" → ${expected}`, () => {
      const understood = understandByRules(utterance, context);
      assert.equal(understood.intent, expected);
      assert.ok(understood.acts.includes('inform_intent'), `states the intent: ${understood.acts.join(', ')}`);
    });
  }

  it('keeps the conversation intent when a sentence only gives details', () => {
    const understood = understandByRules('the 9th at half past two', { ...context, previousIntent: 'reschedule', previousPrompt: 'What day would suit you?' });
    assert.equal(understood.intent, 'reschedule');
    assert.deepEqual(understood.acts, ['inform']);
  });

  it('takes the conversation to be a booking when the receptionist reads one back', () => {
    const understood = understandByRules('yep', { ...context, previousIntent: 'other', previousPrompt: 'Please confirm: a haircut appointment on Friday at 3 pm.' });
    assert.equal(understood.intent, 'book');
    assert.deepEqual(understood.acts, ['affirm']);
  });

  it('does not turn a reschedule into a booking when the new time is read back', () => {
    const understood = understandByRules('yes', { ...context, previousIntent: 'reschedule', previousPrompt: 'Moving your appointment to Friday at 3 pm, is that right?' });
    assert.equal(understood.intent, 'reschedule');
  });

  it('reads yes to an offer to move or cancel as that intent, not a booking', () => {
    const moved = understandByRules('yeah please', { ...context, previousIntent: 'reschedule', previousPrompt: 'Shall I move your appointment to Friday at 3 pm?' });
    assert.equal(moved.intent, 'reschedule');
    assert.deepEqual(moved.acts, ['affirm_intent']);
    const cancelled = understandByRules('yes', { ...context, previousPrompt: 'Would you like me to cancel your appointment on Friday?' });
    assert.equal(cancelled.intent, 'cancel');
  });

  it('stays in a booking when the caller asks what is free at a time', () => {
    const understood = understandByRules('is anything available at 4', { ...context, previousIntent: 'book', previousPrompt: 'What time would you like?' });
    assert.equal(understood.intent, 'book');
  });
});

const acts: [string, string | undefined, DialogAct[]][] = [
  ['yes', 'Shall I book that for you?', ['affirm_intent']],
  ['yeah go ahead', 'Would you like me to book an appointment?', ['affirm_intent']],
  ['uh huh', 'Shall I book that for you?', ['affirm_intent']],
  ['no not right now', 'Do you want me to book it?', ['negate_intent']],
  ['yep that is right', 'A haircut with Anna on Friday at 3 pm. Is that correct?', ['affirm']],
  ['nope', 'A haircut with Anna on Friday at 3 pm. Is that correct?', ['negate']],
  ['no make it four', 'A haircut on Friday at 3 pm. Is that correct?', ['inform', 'negate']],
  ['sounds good', 'How about Friday at 3 pm with Anna?', ['select']],
  ['do you have anything else', 'How about Friday at 3 pm with Anna?', ['request_alts']],
  ['no thanks', 'Is there anything else I can help you with?', ['negate', 'thank_you']],
  ['thanks bye', 'You are all set, your appointment is confirmed.', ['goodbye', 'thank_you']],
  ['thank you so much', 'Your appointment is booked.', ['thank_you']],
  ["what's their phone number", 'I found Bella Hair Studio in Brooklyn.', ['request']],
  ['friday at three', 'What day would you like?', ['inform']],
  ['noon works', 'I have 11:30 am or noon.', ['inform', 'select']],
  ['yes 2:30', 'So that is Friday at 2:30 pm, is that correct?', ['affirm', 'inform']],
];

describe('dialogue acts against the last prompt', () => {
  for (const [utterance, prompt, expected] of acts) {
    it(`"${utterance}" after "${prompt}" → ${expected.join(', ')}`, () => {
      const understood = understandByRules(utterance, { ...context, ...(prompt ? { previousPrompt: prompt } : {}), previousIntent: 'book' });
      assert.deepEqual([...understood.acts].sort(), [...expected].sort());
    });
  }

  it('is unsure about a sentence it cannot read', () => {
    const understood = understandByRules('well my cousin said that thing was nice', context);
    assert.ok(understood.confidence < 0.6, `confidence ${understood.confidence}`);
  });

  it('is sure about a plain booking request', () => {
    assert.ok(understandByRules('i want to book a haircut tomorrow at 3 pm', context).confidence >= 0.6);
  });
});

describe('RuleUnderstanding', () => {
  it('answers through the Understanding interface, after warming up', async () => {
    const rules = new RuleUnderstanding();
    rules.warmUp();
    const understood = await rules.understand('i need to cancel my appointment on friday', context);
    assert.equal(understood.intent, 'cancel');
    assert.equal(understood.slots.date, '2026-03-06');
  });
});
