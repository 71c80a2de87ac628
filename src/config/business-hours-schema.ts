import { z } from 'zod';
import { calendarDate, clockTime, expecting, isCalendarDate, minutesOfDay, strictShape, text } from './business-field-types.js';

/** When a business is open: its week, its breaks, whole days closed and one-off special hours. */

const timeRange = strictShape({ start: clockTime, end: clockTime });

const openingHoursFields = { open: clockTime, close: clockTime, breaks: z.array(timeRange).default([]) };

/** Close after open; each break ends after it starts, lies inside the hours, overlaps no other. */
function checkOpeningHours(hours: OpeningHours, ctx: z.RefinementCtx): void {
  const open = minutesOfDay(hours.open);
  const close = minutesOfDay(hours.close);
  if (open === undefined || close === undefined) return;
  if (close <= open) {
    ctx.addIssue({ code: 'custom', path: ['close'], message: `expected a time after open (${hours.open}), got "${hours.close}"` });
    return;
  }
  const checked: { index: number; start: number; end: number; label: string }[] = [];
  hours.breaks.forEach((pause, index) => {
    const start = minutesOfDay(pause.start);
    const end = minutesOfDay(pause.end);
    if (start === undefined || end === undefined) return;
    const label = `${pause.start}-${pause.end}`;
    if (end <= start) {
      ctx.addIssue({ code: 'custom', path: ['breaks', index, 'end'], message: `expected a time after start (${pause.start}), got "${pause.end}"` });
      return;
    }
    if (start < open || end > close) {
      ctx.addIssue({
        code: 'custom',
        path: ['breaks', index],
        message: `expected a break within opening hours ${hours.open}-${hours.close}, got ${label}`,
      });
      return;
    }
    const clash = checked.find((other) => start < other.end && other.start < end);
    if (clash) {
      ctx.addIssue({ code: 'custom', path: ['breaks', index], message: `${label} overlaps breaks[${clash.index}] (${clash.label}); breaks must not overlap` });
      return;
    }
    checked.push({ index, start, end, label });
  });
}

const openingHours = strictShape(openingHoursFields).superRefine(checkOpeningHours);

/** A day absent from the file is closed. */
const daySchedule = z
  .union([z.literal('closed'), openingHours], expecting('expected "closed" or hours like { open: "09:00", close: "17:30" }'))
  .default('closed');

export const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

export const weeklyHours = strictShape({
  monday: daySchedule,
  tuesday: daySchedule,
  wednesday: daySchedule,
  thursday: daySchedule,
  friday: daySchedule,
  saturday: daySchedule,
  sunday: daySchedule,
});

const closureRange = strictShape({ from: calendarDate, to: calendarDate, reason: text.optional() }).superRefine((range, ctx) => {
  // A malformed date has its own message already; comparing it would only add noise.
  if (isCalendarDate(range.from) && isCalendarDate(range.to) && range.to < range.from) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `expected a date on or after from (${range.from}), got "${range.to}"` });
  }
});

export const closure = z.union(
  [strictShape({ date: calendarDate, reason: text.optional() }), closureRange],
  expecting('expected a closure like { date: "2026-12-25" } or { from: "2026-12-24", to: "2026-12-26" }'),
);

export const dateOverride = z.union(
  [
    strictShape({ date: calendarDate, ...openingHoursFields }).superRefine(checkOpeningHours),
    strictShape({ date: calendarDate, closed: z.literal(true) }),
  ],
  expecting('expected { date, open, close } or { date, closed: true }'),
);

export type Weekday = (typeof weekdays)[number];
export type TimeRange = z.output<typeof timeRange>;
export interface OpeningHours {
  open: string;
  close: string;
  breaks: TimeRange[];
}
export type DaySchedule = z.output<typeof daySchedule>;
export type WeeklyHours = z.output<typeof weeklyHours>;
export type Closure = z.output<typeof closure>;
export type DateOverride = z.output<typeof dateOverride>;
