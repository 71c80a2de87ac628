import { DateTime, type Zone } from 'luxon';

/**
 * Dates and times the way a receptionist says them, on the business's wall clock: relative to
 * today when that is natural ("today at 3", "tomorrow at half past 2"), otherwise "Tuesday the
 * 4th at 3 pm"; beyond a week, the month too ("Tuesday the 4th of March").
 */

function ordinal(day: number): string {
  const teen = day % 100 >= 11 && day % 100 <= 13;
  const suffix = teen ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[day % 10] ?? 'th';
  return `${day}${suffix}`;
}

/**
 * "3 pm", "3:30 pm", "noon", "midnight". Spoken replies avoid "15:00". Takes a wall-clock hour and
 * minute (a `DateTime` is one), so a time read from the business file needs no `DateTime`.
 */
export function sayClockTime(at: { readonly hour: number; readonly minute: number }): string {
  if (at.minute === 0 && at.hour === 12) return 'noon';
  if (at.minute === 0 && at.hour === 0) return 'midnight';
  const hour = at.hour % 12 === 0 ? 12 : at.hour % 12;
  const minutes = at.minute === 0 ? '' : `:${String(at.minute).padStart(2, '0')}`;
  return `${hour}${minutes} ${at.hour < 12 ? 'am' : 'pm'}`;
}

/** "today", "tomorrow", "Tuesday the 4th", "Tuesday the 4th of March". */
export function sayDay(at: DateTime, now: DateTime): string {
  const days = Math.round(at.startOf('day').diff(now.startOf('day'), 'days').days);
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  const day = `${at.toFormat('cccc')} the ${ordinal(at.day)}`;
  return days > 0 && days < 7 ? day : `${day} of ${at.toFormat('LLLL')}`;
}

/** "tomorrow at 3 pm", "Tuesday the 4th at 10:30 am". `zone`: the business's, a name or a Luxon zone. */
export function sayWhen(start: Date, now: Date, zone: string | Zone): string {
  const at = DateTime.fromJSDate(start, { zone });
  return `${sayDay(at, DateTime.fromJSDate(now, { zone }))} at ${sayClockTime(at)}`;
}

/**
 * Several options in one breath, sharing the day when they share it: "tomorrow at 2, 2:30 or
 * 4 pm" rather than repeating "tomorrow at" three times.
 */
export function sayOptions(starts: readonly Date[], now: Date, zone: string | Zone): string {
  const zoneNow = DateTime.fromJSDate(now, { zone });
  const times = starts.map((start) => DateTime.fromJSDate(start, { zone }));
  const sameDay = times.every((time) => time.hasSame(times[0]!, 'day'));
  const join = (parts: string[]) =>
    parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
  if (sameDay && times.length > 1) {
    return `${sayDay(times[0]!, zoneNow)} at ${join(times.map(sayClockTime))}`;
  }
  return join(times.map((time) => `${sayDay(time, zoneNow)} at ${sayClockTime(time)}`));
}
