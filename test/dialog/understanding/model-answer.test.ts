import assert from 'node:assert/strict';
import { InvalidModelAnswer, validateModelAnswer } from '../../../src/dialog/understanding/llm-answer.js';
import { exampleBusinesses } from '../../support/businesses.js';
import { modelAnswer } from '../../support/model-answer.js';

const { salon } = exampleBusinesses();

const answer = (overrides: Record<string, unknown> = {}) => modelAnswer({ acts: ['select'], intent: 'book', confidence: 0.9, ...overrides });

describe("the model's answer, checked like untrusted input", () => {
  it('keeps a pick among the offered options and a wish for earlier or later times', () => {
    const understood = validateModelAnswer(answer({ choice: 2, shift: 'later' }), salon);
    assert.equal(understood.slots.choice, 2);
    assert.equal(understood.slots.shift, 'later');
    assert.equal(validateModelAnswer(answer({ choice: -1 }), salon).slots.choice, -1);
  });

  it('drops a pick that no offer has, an unknown service and an impossible date, keeping the rest', () => {
    const understood = validateModelAnswer(answer({ choice: 7, service: 'tattoo', date: '2026-02-30', name: 'Dana' }), salon);
    assert.deepEqual(understood.slots, { name: 'Dana' });
  });

  it('refuses an answer of the wrong shape whole', () => {
    assert.throws(() => validateModelAnswer(answer({ shift: 'sideways' }), salon), InvalidModelAnswer);
    assert.throws(() => validateModelAnswer('Sure! Booking now.', salon), InvalidModelAnswer);
  });

  it('still reads an answer from before choice and shift were asked for', () => {
    const { choice: _choice, shift: _shift, ...older } = JSON.parse(answer({ intent: 'cancel' }));
    assert.equal(validateModelAnswer(JSON.stringify(older), salon).intent, 'cancel');
  });
});
