import { DateTime } from 'luxon';
import { businessZone } from '../../scheduling/business-zone.js';

/** A span of days on the business's wall clock, `YYYY-MM-DD` to `YYYY-MM-DD`, both included. */
export interface DateRange {
  from: string;
  to: string;
}

/**
 * "next week", "this week", "this weekend", "in the next few days": a span rather than a day,
 * which the dialog searches as a window. Only read when no single day was said ("tuesday next
 * week" is a date). Weeks start on Monday.
 */
export function resolveDateRange(words: string, now: Date, timeZone: string): DateRange | undefined {
  const today = DateTime.fromJSDate(now, { zone: businessZone(timeZone) }).startOf('day');
  const endOfWeek = today.plus({ days: 7 - today.weekday });
  const span = (from: DateTime, to: DateTime): DateRange => ({ from: from.toISODate()!, to: to.toISODate()! });
  if (/\b(?:next|the following) week(?:end)?\b/.test(words)) {
    const monday = endOfWeek.plus({ days: 1 });
    return /weekend\b/.test(words) ? span(monday.plus({ days: 5 }), monday.plus({ days: 6 })) : span(monday, monday.plus({ days: 6 }));
  }
  if (/\b(?:this|the) weekend\b/.test(words)) return span(DateTime.max(today, endOfWeek.minus({ days: 1 })), endOfWeek);
  if (/\b(?:this|later this|later in the) week\b/.test(words)) return span(today, endOfWeek);
  if (/\b(?:in )?the next (?:few|couple of|couple) days\b/.test(words)) return span(today, today.plus({ days: 3 }));
  return undefined;
}
