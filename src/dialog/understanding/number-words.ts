/**
 * Number words as a speech recogniser writes them ("three thirty", "the twenty first", "ten oh
 * five") turned into digits ("3:30", "21st", "10:05"), so the date and time readers only deal
 * with digits. "one" stays a word unless it is plainly a number ("at one", "one pm"): callers say
 * "that one" and "a different one" far more often than they mean 1.
 */

const units: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
const tens: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fourty: 40, fifty: 50 };
const ordinalUnits: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  eleventh: 11, twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17,
  eighteenth: 18, nineteenth: 19, twentieth: 20, thirtieth: 30,
};

const months = new Set(['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']);
/** Words before an ordinal that make it a day of the month rather than "the second option". */
const ordinalLeads = new Set(['the', 'on', 'for', 'of', 'by', 'until', 'till', 'from', 'to', ...months]);
/** Words around "one" that make it a clock hour. */
const oneBefore = new Set(['at', 'around', 'about', 'by', 'before', 'after', 'until', 'till', 'from', 'to', 'past', 'say', 'or', 'morning', 'afternoon', 'evening', 'night']);
const oneAfter = new Set(['am', 'pm', 'oclock', 'thirty', 'fifteen', 'forty', 'fifty', 'twenty', 'ten', 'oh', 'o']);
const dayparts = new Set(['morning', 'afternoon', 'evening', 'night']);

export function ordinalSuffix(day: number): string {
  if (day % 100 >= 11 && day % 100 <= 13) return `${day}th`;
  return `${day}${['th', 'st', 'nd', 'rd'][day % 10] ?? 'th'}`;
}

interface Reading {
  value: number;
  ordinal: boolean;
  /** Tokens consumed. */
  length: number;
}

/** A cardinal or ordinal number starting at `index` ("twenty", "twenty one", "twenty first"). */
function readNumber(tokens: readonly string[], index: number): Reading | undefined {
  const word = tokens[index] ?? '';
  const next = tokens[index + 1] ?? '';
  const ten = tens[word];
  if (ten !== undefined) {
    const unit = units[next];
    if (unit !== undefined && unit >= 1 && unit <= 9) return { value: ten + unit, ordinal: false, length: 2 };
    const ordinal = ordinalUnits[next];
    if (ordinal !== undefined && ordinal <= 9) return { value: ten + ordinal, ordinal: true, length: 2 };
    return { value: ten, ordinal: false, length: 1 };
  }
  const unit = units[word];
  if (unit !== undefined) return { value: unit, ordinal: false, length: 1 };
  const ordinal = ordinalUnits[word];
  if (ordinal !== undefined) return { value: ordinal, ordinal: true, length: 1 };
  return undefined;
}

/** Minutes spoken after an hour: "thirty", "forty five", "oh five", "o five". */
function readMinutes(tokens: readonly string[], index: number): { minutes: number; length: number } | undefined {
  const word = tokens[index] ?? '';
  if (word === 'oh' || word === 'o') {
    const unit = units[tokens[index + 1] ?? ''];
    return unit !== undefined && unit >= 1 && unit <= 9 ? { minutes: unit, length: 2 } : undefined;
  }
  const reading = readNumber(tokens, index);
  if (!reading || reading.ordinal || reading.value < 10 || reading.value > 59) return undefined;
  return { minutes: reading.value, length: reading.length };
}

function isPlainOne(tokens: readonly string[], index: number): boolean {
  const inThePart = tokens[index + 1] === 'in' && tokens[index + 2] === 'the' && dayparts.has(tokens[index + 3] ?? '');
  return inThePart || oneBefore.has(tokens[index - 1] ?? '') || oneAfter.has(tokens[index + 1] ?? '');
}

export function numberWordsToDigits(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < tokens.length; ) {
    const token = tokens[index] ?? '';
    const reading = readNumber(tokens, index);
    if (!reading || (token === 'one' && reading.length === 1 && !isPlainOne(tokens, index))) {
      out.push(token);
      index += 1;
      continue;
    }
    if (reading.ordinal) {
      const lead = ordinalLeads.has(tokens[index - 1] ?? '') || tokens[index + reading.length] === 'of';
      out.push(...(lead ? [ordinalSuffix(reading.value)] : tokens.slice(index, index + reading.length)));
      index += reading.length;
      continue;
    }
    const after = tokens[index + reading.length];
    if (reading.value >= 13 && reading.value <= 23 && (after === 'hundred' || after === 'oclock')) {
      // Twenty-four-hour time said aloud: "thirteen hundred", "seventeen hundred hours".
      out.push(`${reading.value}:00`);
      index += reading.length + 1;
      continue;
    }
    const minutes = reading.value >= 1 && reading.value <= 23 ? readMinutes(tokens, index + reading.length) : undefined;
    if (minutes) {
      out.push(`${reading.value}:${String(minutes.minutes).padStart(2, '0')}`);
      index += reading.length + minutes.length;
      continue;
    }
    out.push(String(reading.value));
    index += reading.length;
  }
  return out;
}
