import { numberWordsToDigits } from './number-words.js';
import { applySelfCorrections } from './self-corrections.js';

/**
 * One utterance in the forms the readers need. Typed text ("Let's do 3:30 p.m.!") and a speech
 * recogniser's output ("lets do three thirty pm") end up the same here.
 */
export interface SpokenText {
  /** As received: emails and phone numbers are read from this. */
  raw: string;
  /** Lower case, no punctuation, no fillers: what the act and intent rules read. */
  words: string;
  /** `words` with numbers as digits ("3:30", "21st") and self-corrections applied: what date and time rules read. */
  numeric: string;
}

/** Recognisers and texters often drop the apostrophe; the rules are written with it. */
const contractions: Record<string, string> = {
  cant: "can't", dont: "don't", wont: "won't", im: "i'm", id: "i'd", ive: "i've", ill: "i'll", thats: "that's", whats: "what's",
  lets: "let's", youre: "you're", theyre: "they're", isnt: "isn't", doesnt: "doesn't", didnt: "didn't", wasnt: "wasn't",
  couldnt: "couldn't", wouldnt: "wouldn't", shouldnt: "shouldn't", arent: "aren't", hows: "how's", wheres: "where's", whens: "when's",
  theres: "there's", heres: "here's", itll: "it'll", thatll: "that'll", youd: "you'd",
};

const fillers = new Set(['um', 'umm', 'uh', 'uhh', 'uhm', 'er', 'erm', 'hmm', 'hm', 'mm', 'mmm', 'ah', 'eh']);

function tokenize(raw: string): string[] {
  const text = raw
    .toLowerCase()
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/\b([ap])\.?\s?m\b\.?/g, '$1m')
    .replace(/\bo\W?\s?clock\b/g, 'oclock')
    .replace(/\b(?:uh[ -]huh|mm[ -]hmm|mhm+)\b/g, 'uhhuh')
    .replace(/(\d)\.(\d{2})(?=\s*[ap]m\b)/g, '$1:$2')
    .replace(/(\d)\s*([ap]m)\b/g, '$1 $2')
    .replace(/(\d)(st|nd|rd|th)\b/g, '$1$2')
    .replace(/(?<!\d):|:(?!\d)/g, ' ')
    .replace(/[^a-z0-9:' &@+]+/g, ' ')
    .replace(/(^|\s)'+|'+(?=\s|$)/g, ' ');
  return text
    .split(/\s+/)
    .filter((token) => token !== '' && !fillers.has(token))
    .map((token) => contractions[token] ?? token);
}

export function readSpoken(raw: string): SpokenText {
  const tokens = tokenize(raw);
  return {
    raw,
    words: tokens.join(' '),
    numeric: applySelfCorrections(numberWordsToDigits(tokens).join(' ')).replace(/\s+/g, ' ').trim(),
  };
}
