import assert from 'node:assert/strict';
import { isBackchannel } from '../../src/voice/stream/call-phrases.js';
import { DtmfEntry, type KeypadInput } from '../../src/voice/stream/dtmf-entry.js';
import { Endpointer, looksUnfinished, type EndOfTurn } from '../../src/voice/stream/endpointing.js';
import { textShare } from '../../src/voice/stream/reply-playout.js';
import type { FinalTranscript } from '../../src/speech/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function final(text: string, speechFinal = true): FinalTranscript {
  return { type: 'final', text, speechFinal, fromFinalize: false, startMs: 0, durationMs: 500, confidence: 0.9, words: [] };
}

describe('turn-taking pieces', () => {
  it('ends a turn at speech_final, but holds a half sentence and a phone number open', async () => {
    const ends: EndOfTurn[] = [];
    const endpointer = new Endpointer((end) => ends.push(end), { unfinishedHoldMs: 80, digitsHoldMs: 120 });
    endpointer.push(final('a haircut tomorrow please'));
    assert.deepEqual(ends.map((end) => end.utterance), ['a haircut tomorrow please']);

    endpointer.push(final('on Tuesday at'));
    assert.equal(ends.length, 1, 'a half sentence waits');
    endpointer.push({ type: 'interim', text: 'three', startMs: 0, durationMs: 100, confidence: 0.9 });
    endpointer.push(final('three'));
    assert.equal(ends.at(-1)?.utterance, 'on Tuesday at three');

    endpointer.expecting = 'phone';
    endpointer.push(final('five five five'));
    await sleep(40);
    endpointer.push(final('one two three four five six seven'));
    assert.equal(ends.length, 2, 'still waiting for the rest of the number');
    await sleep(160);
    assert.equal(ends.at(-1)?.utterance, 'five five five one two three four five six seven');
    endpointer.close();
  });

  it('reads unfinished sentences and backchannels', () => {
    assert.equal(looksUnfinished('on Tuesday at'), true);
    assert.equal(looksUnfinished('on Tuesday at 3.'), false);
    assert.equal(isBackchannel('Mm-hmm.'), true);
    assert.equal(isBackchannel('yeah, okay'), true);
    assert.equal(isBackchannel('yeah make it friday'), false);
    assert.equal(isBackchannel('OK, got it.'), true, 'a two-word backchannel after another');
    assert.equal(isBackchannel('I see, go on'), true);
    assert.equal(isBackchannel('ok got it but can we make it friday'), false);
    assert.equal(isBackchannel('okay'), true);
    // Interims grow a word at a time: half a backchannel is not yet a barge-in, but a final is judged whole.
    assert.equal(isBackchannel('OK, got', false), true, 'an interim of "ok got it"');
    assert.equal(isBackchannel('OK, got'), false);
    assert.equal(isBackchannel('I', false), true, 'an interim of "i see"');
    assert.equal(isBackchannel('I want', false), false);
    assert.equal(isBackchannel('yeah make', false), false);
  });

  it('collects keypad digits for a phone number, and takes 0 as asking for a person', async () => {
    const inputs: KeypadInput[] = [];
    const keypad = new DtmfEntry((input) => inputs.push(input), { interDigitMs: 60 });
    keypad.push('0');
    assert.deepEqual(inputs, [{ kind: 'human' }]);
    keypad.expecting = 'phone';
    for (const digit of '2125550123#') keypad.push(digit);
    assert.deepEqual(inputs.at(-1), { kind: 'digits', digits: '2125550123' });
    for (const digit of '555') keypad.push(digit);
    await sleep(120);
    assert.deepEqual(inputs.at(-1), { kind: 'digits', digits: '555' }, 'a pause ends the number');
    keypad.close();
  });

  it('keeps the words the caller heard, rounded down to a whole word', () => {
    assert.equal(textShare('So that is a haircut', 0.4), 'So that', 'a word cut in half was not heard');
    assert.equal(textShare('So that is a haircut', 0.5), 'So that is');
    assert.equal(textShare('So that is a haircut', 1), 'So that is a haircut');
    assert.equal(textShare('So that is a haircut', 0), '');
  });
});
