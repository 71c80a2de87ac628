import type { PromptKind } from './system-prompt.js';
import type { Expectation } from './types.js';

const ORDINALS: Record<string, number> = {
  first: 1, '1st': 1, one: 1, '1': 1,
  second: 2, '2nd': 2, two: 2, '2': 2,
  third: 3, '3rd': 3, three: 3, '3': 3,
  last: -1,
};
const ordinal = Object.keys(ORDINALS).join('|');

/** "the first one", "the second option", "the last slot": unmistakably a pick among offers. */
const pickedOne = new RegExp(`\\b(?:the )?(first|second|third|last|1st|2nd|3rd) (?:one|option|slot|time|choice)\\b`);
/** "option two", "number 3". */
const numbered = new RegExp(`\\b(?:option|number|choice) (${ordinal})\\b`);
/** A bare "first" / "the second please" answering an offer of options. */
const bare = new RegExp(`^(?:um |uh )?(?:the )?(first|second|third|last|1st|2nd|3rd)(?: (?:please|thanks|thank you))?$`);

/** A bare "2" or "number two" answering a numbered list of options in a text. */
const listNumber = /^(?:number |option |no )?(1|2|3|one|two|three)(?:\)|\.| please| thanks)?$/;

/**
 * Which of the offered options the sentence picks, 1-based (-1 for "the last"). A bare "the
 * second" is a choice only right after options were offered (the dialog says so by expecting a
 * choice); anywhere else it is a date.
 */
export function findChoice(words: string, prompt: PromptKind, expecting: Expectation | undefined): number | undefined {
  const offered = prompt === 'offer' || expecting === 'choice';
  const match =
    pickedOne.exec(words) ??
    numbered.exec(words) ??
    (offered ? bare.exec(words) : null) ??
    (expecting === 'choice' ? listNumber.exec(words) : null);
  return match?.[1] === undefined ? undefined : ORDINALS[match[1]];
}
