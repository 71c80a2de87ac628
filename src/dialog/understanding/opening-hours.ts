import type { Business, OpeningHours } from '../../config/business-schema.js';
import { weekdays } from '../../config/business-schema.js';
import { businessDay } from '../../scheduling/working-hours.js';

/** The hours a business opens on `date`, or on any day of its week when the date is not known. */
export function openingHoursFor(business: Business, date: string | undefined): OpeningHours[] {
  if (date) {
    const day = businessDay(business, date);
    return day === 'closed' ? [] : [day];
  }
  return weekdays.map((name) => business.weeklyHours[name]).filter((day): day is OpeningHours => day !== 'closed');
}

export function minutesOfClock(time: string): number {
  const [hours = '0', minutes = '0'] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
}

export function clockOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Whether the business is open at `minutes` past midnight on any of `days`. */
export function isOpenAt(days: readonly OpeningHours[], minutes: number): boolean {
  return days.some((day) => minutesOfClock(day.open) <= minutes && minutes < minutesOfClock(day.close));
}
