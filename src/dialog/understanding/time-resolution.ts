import type { Business } from '../../config/business-schema.js';
import { clockOf, isOpenAt, minutesOfClock, openingHoursFor } from './opening-hours.js';
import type { TimeOfDay } from './types.js';

/**
 * The clock time, or part of the day, a sentence names. A bare hour ("at 4") is read as the
 * business would mean it: the reading at which it is open, else between 08:00 and 20:00.
 * Bare numbers count as times only after a word that introduces a time ("at", "around",
 * "by"), so "for 4 people", "4 stars" and house numbers are not times.
 */

type Half = 'am' | 'pm' | undefined;

interface Candidate {
  index: number;
  /** Where the phrase ends: a shorter reading inside a longer one ("12" in "quarter to 12") is dropped. */
  end: number;
  hour: number;
  minute: number;
  half: Half;
  /** Already a 24-hour reading ("15:00", "noon"). */
  fixed?: boolean;
}

export interface TimeReading {
  time?: string;
  timeOfDay?: TimeOfDay;
}

const dayparts: Record<string, Half> = { morning: 'am', afternoon: 'pm', evening: 'pm', night: 'pm', tonight: 'pm' };
const daypart = '(morning|afternoon|evening|night|tonight)';
const lead = '(?:at|around|about|by|until|till|after|before|say|or|maybe|then|is|ok|how about|do|try|like|make it|make it for|for (?:around|about)|for(?=\\s+\\d{1,2}\\s+(?:on|tomorrow|today|instead|this|next)\\b))';
const notATime = '(?!\\s*(?:(?:st|nd|rd|th)\\b|people|persons|person|guests|of|minutes|mins|minute|hours|hrs|hour|days|day|weeks|week|months|years|stars|star|dollars|bucks|percent|pounds|kids|children|adults|seats|tickets|of us|or more|\\/|\\.\\d)|\\s+(?:[a-z]+\\s+){0,2}(?:rd|road|street|ave|avenue|drive|lane|ln|blvd|boulevard|way|court|ct|place|pl|suite|center|centre|plaza|square|highway|hwy)\\b)';

const offsets: Record<string, number> = { half: 30, quarter: 15, 'a quarter': 15 };

interface Reading {
  hour: number;
  minute: number;
  half?: Half;
  /** Already a 24-hour reading ("15:00", "noon"). */
  fixed?: boolean;
  /** Where the hour itself starts, when the phrase begins with a lead word ("at 4"). */
  offset?: number;
}

type ClockReader = [RegExp, (match: RegExpMatchArray) => Reading | undefined];

/** From most to least explicit; a reading inside an earlier one's span is ignored. */
const clockReaders: ClockReader[] = [
  [/\b(noon|midday|midnight)\b/g, (match) => ({ hour: match[1] === 'midnight' ? 24 : 12, minute: 0, fixed: true })],
  [
    /(?<!\bbetween\s+)\b(half|a quarter|quarter|\d{1,2})\s+(past|after|to|till|before)\s+(\d{1,2})\b(?!:)/g,
    ([, amount = '', direction = '', hourText = '']) => {
      const named = offsets[amount];
      if (named === undefined && direction !== 'past' && direction !== 'to') return undefined;
      const minutes = named ?? Number(amount);
      const hour = Number(hourText);
      if (minutes < 1 || minutes > 59 || hour < 1 || hour > 23) return undefined;
      if (direction === 'past' || direction === 'after') return { hour, minute: minutes };
      return { hour: hour === 1 ? 12 : hour - 1, minute: 60 - minutes };
    },
  ],
  [/\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b/g, (match) => ({ hour: Number(match[1]), minute: Number(match[2] ?? 0), half: match[3] as Half })],
  [/\b(\d{1,2}):(\d{2})\b/g, ([, hour = '', minute = '']) => ({ hour: Number(hour), minute: Number(minute), fixed: Number(hour) > 12 || hour.startsWith('0') })],
  [/\b(\d{1,2})\s+oclock\b/g, (match) => ({ hour: Number(match[1]), minute: 0 })],
  [new RegExp(`\\b${daypart}\\s+(?:at\\s+)?(?:of\\s+)?(\\d{1,2})\\b${notATime}`, 'g'), (match) => ({ hour: Number(match[2]), minute: 0, offset: match[0].length - (match[2]?.length ?? 0) })],
  [new RegExp(`\\b(\\d{1,2})\\s+(?:(?:in the|at|this|tomorrow)\\s+${daypart}|tonight)\\b`, 'g'), (match) => ({ hour: Number(match[1]), minute: 0 })],
  [/^(\d{1,2})\s+(?:on|tomorrow|today|this|next)\b/g, (match) => ({ hour: Number(match[1]), minute: 0 })],
  [new RegExp(`\\b${lead}\\s+(\\d{1,2})\\b${notATime}`, 'g'), (match) => ({ hour: Number(match[1]), minute: 0, offset: match[0].length - (match[1]?.length ?? 0) })],
];

/** When the receptionist has just asked for a time, a short answer that is only a number is one. */
const bareAnswer = /^(?:\w+\s+){0,3}?(\d{1,2})(?:\s+\w+){0,2}$/;

function candidates(text: string, expectingTime: boolean): Candidate[] {
  const found: Candidate[] = [];
  const push = (index: number, end: number, reading: Reading) => {
    const { hour, minute } = reading;
    if (hour > 24 || minute >= 60 || found.some((other) => index < other.end && other.index < end)) return;
    found.push({ index, end, hour, minute, half: reading.half, fixed: reading.fixed ?? false });
  };
  for (const [pattern, read] of clockReaders) {
    for (const match of text.matchAll(pattern)) {
      const reading = read(match);
      if (reading) push(match.index + (reading.offset ?? 0), match.index + match[0].length, reading);
    }
  }
  const alone = expectingTime && found.length === 0 ? bareAnswer.exec(text) : null;
  if (alone?.[1]) push(alone.index, alone.index + alone[0].length, { hour: Number(alone[1]), minute: 0 });
  return found.sort((a, b) => a.index - b.index);
}

/** The part of the day said near the time ("3:30 in the afternoon", "evening 5:45"). */
function halfNear(text: string, index: number): Half {
  const window = text.slice(Math.max(0, index - 24), index + 32);
  const nearest = new RegExp(daypart).exec(window);
  return nearest ? dayparts[nearest[1] ?? ''] : undefined;
}

/** A 12-hour reading with no am or pm, as the business means it. */
function resolveBareHour(hour: number, minute: number, business: Business | undefined, date: string | undefined): number {
  const morning = (hour % 12) * 60 + minute + (hour === 12 ? 720 : 0);
  const afternoon = hour === 12 ? morning : morning + 720;
  if (business) {
    const days = openingHoursFor(business, date);
    const open = [morning, afternoon].find((minutes) => isOpenAt(days, minutes));
    if (open !== undefined) return open;
  }
  return hour >= 8 && hour <= 11 ? morning : afternoon;
}

function toMinutes(candidate: Candidate, text: string, business: Business | undefined, date: string | undefined): number | undefined {
  const { hour, minute } = candidate;
  if (candidate.fixed || hour > 12) return hour * 60 + minute;
  if (hour === 0) return minute;
  const half = candidate.half ?? halfNear(text, candidate.index);
  if (half === 'am') return (hour % 12) * 60 + minute;
  if (half === 'pm') return hour === 12 ? 720 + minute : (hour + 12) * 60 + minute;
  return resolveBareHour(hour, minute, business, date);
}

const parts: [RegExp, TimeOfDay][] = [
  [/\bfirst thing\b|\bearly (?:in the )?morning\b/, { from: 'open', to: '10:00' }],
  [/\b(?:in the |this |tomorrow )?morning\b/, { from: 'open', to: '12:00' }],
  [/\blunch ?time\b|\bover lunch\b|\baround lunch\b/, { from: '12:00', to: '14:00' }],
  [/\bafternoon\b/, { from: '12:00', to: '17:00' }],
  [/\bevening\b|\btonight\b|\bafter work\b/, { from: '17:00', to: 'close' }],
];

function partOfDay(text: string, business: Business | undefined, date: string | undefined): TimeOfDay | undefined {
  const days = business ? openingHoursFor(business, date) : [];
  const opens = days.length ? Math.min(...days.map((day) => minutesOfClock(day.open))) : 8 * 60;
  const closes = days.length ? Math.max(...days.map((day) => minutesOfClock(day.close))) : 20 * 60;
  for (const [pattern, range] of parts) {
    if (!pattern.test(text)) continue;
    const from = range.from === 'open' ? opens : minutesOfClock(range.from);
    const to = range.to === 'close' ? Math.max(closes, from + 60) : minutesOfClock(range.to);
    return { from: clockOf(from), to: clockOf(Math.max(to, from + 60)) };
  }
  return undefined;
}

/** Every clock time named in `numeric`, resolved as `resolveTime` would ("11:30 am or noon" → 11:30, 12:00). */
export function mentionedTimes(numeric: string, options: { business?: Business; date?: string } = {}): string[] {
  return candidates(numeric, false)
    .map((candidate) => toMinutes(candidate, numeric, options.business, options.date))
    .filter((minutes): minutes is number => minutes !== undefined && minutes <= 24 * 60)
    .map(clockOf);
}

/**
 * The time named in `numeric` (digits form of the sentence). The last one named wins, as with
 * dates; a part of the day without a clock time gives `timeOfDay` only.
 */
export function resolveTime(numeric: string, options: { business?: Business; date?: string; expectingTime?: boolean } = {}): TimeReading {
  const found = candidates(numeric, options.expectingTime ?? false);
  const last = found[found.length - 1];
  const minutes = last ? toMinutes(last, numeric, options.business, options.date) : undefined;
  if (minutes !== undefined && minutes <= 24 * 60) return { time: clockOf(minutes) };
  const timeOfDay = partOfDay(numeric, options.business, options.date);
  return timeOfDay ? { timeOfDay } : {};
}
