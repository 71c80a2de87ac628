import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { businessZone } from '../../scheduling/business-zone.js';

/**
 * The calendar date a sentence names, on the business's wall clock. Spoken forms that chrono-node
 * does not read ("the 7th", "the 2nd of this month", "tuesday next week", "day after tomorrow")
 * are read here; anything else falls back to chrono. "next friday" is the coming Friday, a week
 * on when said on a Friday, as people in the evaluation data use it.
 */

const weekdayNumbers: Record<string, number> = { monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7 };
const monthNumbers: Record<string, number> = {
  january: 1, jan: 1, february: 2, feb: 2, march: 3, mar: 3, april: 4, apr: 4, may: 5, june: 6, jun: 6,
  july: 7, jul: 7, august: 8, aug: 8, september: 9, sep: 9, sept: 9, october: 10, oct: 10, november: 11, nov: 11, december: 12, dec: 12,
};
const weekday = Object.keys(weekdayNumbers).join('|');
const month = Object.keys(monthNumbers).join('|');
/** "the second one" is a choice between offers, not a date. */
const notADay = '(?!\\s+(?:one|1|ones|option|options|choice|thought|thoughts|opinion|half|hand|place|salon|dentist|doctor|stylist|therapist|result|person|floor|time|slot|appointment|available|opening|visit|street|avenue|st\\b))';

/** "that's all for today" closes the call; it names no date. */
const closingToday =
  /\b(?:all|everything|enough|done|good|set)(?: (?:that )?i (?:need|needed|want|wanted))?(?: for)? today\b|\b(?:help|assistance)(?: for)? today\b|\b(?:that|that's|that is|that was|it's) (?:it|al) for today\b/g;

interface Found {
  index: number;
  date: DateTime;
}

type Reader = (match: RegExpExecArray, today: DateTime) => DateTime | undefined;

function inMonth(year: number, monthNumber: number, day: number): DateTime | undefined {
  const date = DateTime.fromObject({ year, month: monthNumber, day });
  return date.isValid ? date : undefined;
}

/** A day of the month with no month said: this month if still ahead, else next month. */
function comingDay(today: DateTime, day: number): DateTime | undefined {
  if (day >= today.day) return inMonth(today.year, today.month, day);
  const next = today.plus({ months: 1 });
  return inMonth(next.year, next.month, day);
}

/** A day of a named month: this year unless already past, then next year. */
function comingMonthDay(today: DateTime, monthNumber: number, day: number): DateTime | undefined {
  const date = inMonth(today.year, monthNumber, day);
  if (date && date < today.startOf('day')) return inMonth(today.year + 1, monthNumber, day);
  return date;
}

function weekdayDate(today: DateTime, name: string, qualifier: string | undefined, week: string | undefined): DateTime {
  const target = weekdayNumbers[name] ?? 1;
  if (week === 'next') return today.plus({ days: 8 - today.weekday + target - 1 });
  const ahead = (target - today.weekday + 7) % 7;
  if (ahead === 0 && (qualifier === 'this' || week === 'this')) return today;
  return today.plus({ days: ahead === 0 ? 7 : ahead });
}

const readers: [RegExp, Reader][] = [
  [/\b(?:the\s+)?day\s+after\s+tomorrow\b/g, (_, today) => today.plus({ days: 2 })],
  [/\btomorrow\b/g, (_, today) => today.plus({ days: 1 })],
  [/\b(?:today|tonight|this (?:morning|afternoon|evening))\b/g, (_, today) => today],
  [
    new RegExp(`\\b(?:(this|next|coming|this coming)\\s+)?(${weekday})(?:\\s+(?:of\\s+)?(this|next)\\s+week)?\\b`, 'g'),
    (match, today) => weekdayDate(today, match[2] ?? '', match[1], match[3]),
  ],
  [
    new RegExp(`\\b(next|this) week\\s+(?:on\\s+)?(${weekday})\\b`, 'g'),
    (match, today) => weekdayDate(today, match[2] ?? '', undefined, match[1]),
  ],
  [
    /\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+of\s+(this|next|the)\s+month\b/g,
    (match, today) => {
      const day = Number(match[1]);
      if (match[2] !== 'next') return match[2] === 'this' ? inMonth(today.year, today.month, day) : comingDay(today, day);
      const next = today.plus({ months: 1 });
      return inMonth(next.year, next.month, day);
    },
  ],
  [
    new RegExp(`\\b(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?(?:\\s+of)?\\s+(${month})\\b`, 'g'),
    (match, today) => comingMonthDay(today, monthNumbers[match[2] ?? ''] ?? 0, Number(match[1])),
  ],
  [
    new RegExp(`\\b(${month})\\s+(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?\\b(?!:)`, 'g'),
    (match, today) => comingMonthDay(today, monthNumbers[match[1] ?? ''] ?? 0, Number(match[2])),
  ],
  [new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)\\b${notADay}`, 'g'), (match, today) => comingDay(today, Number(match[1]))],
  [/\bon the (\d{1,2})\b(?!:|\s*(?:am|pm|oclock))/g, (match, today) => comingDay(today, Number(match[1]))],
  [
    /\b(\d{1,2})\/(\d{1,2})\b/g,
    (match, today) => comingMonthDay(today, Number(match[1]), Number(match[2])),
  ],
];

function readSpokenDates(text: string, today: DateTime): Found[] {
  const found: Found[] = [];
  const taken: [number, number][] = [];
  for (const [pattern, read] of readers) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      const start = match.index;
      const end = start + match[0].length;
      if (taken.some(([from, to]) => start < to && from < end)) continue;
      const date = read(match, today);
      if (!date) continue;
      taken.push([start, end]);
      found.push({ index: start, date });
    }
  }
  return found;
}

/** "next week at 3 pm": the digits are the time's; what is left names no day (a span, read elsewhere). */
function withoutClockTime(text: string): string {
  return text.replace(/\b(?:at|around|about|by)?\s*\d{1,2}(?::\d{2})?\s*(?:am|pm|o'?clock)\b/g, '');
}

/** chrono-node for what the spoken readers missed; only results that name a day, not a bare time. */
function readWithChrono(text: string, now: Date, timeZone: string): DateTime | undefined {
  if (!/\b(?:weeks?|fortnight|months?)\b/.test(text)) return undefined;
  const results = chrono.casual.parse(text, { instant: now, timezone: timeZone }, { forwardDate: true });
  const dated = results.find((result) => /\d/.test(withoutClockTime(result.text)) && (result.start.isCertain('day') || result.start.isCertain('weekday')));
  if (!dated) return undefined;
  const date = DateTime.fromObject({ year: dated.start.get('year') ?? 0, month: dated.start.get('month') ?? 0, day: dated.start.get('day') ?? 0 });
  // A booking is for the coming two years; anything else is a misreading ("99 past 123456 week").
  const today = DateTime.fromJSDate(now, { zone: businessZone(timeZone) });
  const iso = date.toISODate() ?? '';
  const inRange = iso >= (today.minus({ days: 1 }).toISODate() ?? '') && iso <= (today.plus({ years: 2 }).toISODate() ?? '');
  return date.isValid && inRange ? date : undefined;
}

/**
 * The date named in `numeric` (digits form of the sentence), as "YYYY-MM-DD", or undefined.
 * When several are named the last wins: callers put the one they settle on last.
 */
export function resolveDate(numeric: string, now: Date, timeZone: string): string | undefined {
  const today = DateTime.fromJSDate(now, { zone: businessZone(timeZone) }).startOf('day');
  const plain = DateTime.fromObject({ year: today.year, month: today.month, day: today.day });
  const text = numeric.replace(closingToday, ' ');
  const found = readSpokenDates(text, plain).sort((a, b) => a.index - b.index);
  const last = found[found.length - 1]?.date ?? readWithChrono(text, now, timeZone);
  return last?.toISODate() ?? undefined;
}
