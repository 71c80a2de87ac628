import { DateTime } from 'luxon';
import type { Business, Price } from '../../config/business-schema.js';
import { weekdays } from '../../config/business-schema.js';
import { businessZone } from '../../scheduling/scheduler.js';
import { businessDay } from '../../scheduling/working-hours.js';
import { sayClockTime, sayDay } from '../rendering/spoken-time.js';

/**
 * What a receptionist answers from the business file itself, without an FAQ entry: opening
 * hours (on a day, or the week), the address, the phone number, and prices.
 */
export function informationAnswer(
  business: Business,
  requested: readonly string[],
  context: { date?: string | undefined; serviceId?: string | undefined; now: Date },
): string | undefined {
  const answers = requested.map((what) => answerOne(business, what, context)).filter((answer): answer is string => Boolean(answer));
  return answers.length ? answers.join(' ') : undefined;
}

function answerOne(business: Business, what: string, context: { date?: string | undefined; serviceId?: string | undefined; now: Date }): string | undefined {
  switch (what) {
    case 'opening_hours':
      return context.date ? hoursOn(business, context.date, context.now) : weeklyHours(business);
    case 'address':
      return `We're at ${business.address}.`;
    case 'phone_number':
      return `You can reach us on ${business.phoneNumbers[0]}.`;
    case 'price':
      return prices(business, context.serviceId);
    default:
      return undefined;
  }
}

/** "HH:MM" from the business file, said aloud. */
function clock(time: string): string {
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  return sayClockTime({ hour, minute });
}

function hoursOn(business: Business, date: string, now: Date): string {
  const zone = businessZone(business.timeZone);
  const day = sayDay(DateTime.fromISO(date, { zone }), DateTime.fromJSDate(now, { zone }));
  const schedule = businessDay(business, date);
  if (schedule === 'closed') {
    const closure = business.closures.find((entry) => ('date' in entry ? entry.date === date : entry.from <= date && date <= entry.to));
    return `We're closed ${day}${closure?.reason ? ` for ${closure.reason}` : ''}.`;
  }
  return `${capitalise(day)} we're open from ${clock(schedule.open)} to ${clock(schedule.close)}.`;
}

/** "Monday 10 am to 6 pm, Tuesday and Wednesday 9 am to 7 pm, …; closed on Sunday." */
function weeklyHours(business: Business): string {
  const groups: { days: string[]; hours: string }[] = [];
  const closed: string[] = [];
  for (const name of weekdays) {
    const schedule = business.weeklyHours[name];
    const dayName = capitalise(name);
    if (schedule === 'closed') {
      closed.push(dayName);
      continue;
    }
    const hours = `${clock(schedule.open)} to ${clock(schedule.close)}`;
    const last = groups.at(-1);
    if (last && last.hours === hours) last.days.push(dayName);
    else groups.push({ days: [dayName], hours });
  }
  const open = groups.map((group) => `${list(group.days)} ${group.hours}`).join(', ');
  return `We're open ${open}${closed.length ? `; closed on ${list(closed)}` : ''}.`;
}

function prices(business: Business, serviceId: string | undefined): string | undefined {
  const priced = business.services.filter((service) => service.price && (!serviceId || service.id === serviceId));
  if (priced.length === 0) return undefined;
  if (serviceId) return `A ${priced[0]!.name.toLowerCase()} is ${money(priced[0]!.price!)}.`;
  return `Our prices: ${priced.map((service) => `${service.name.toLowerCase()} ${money(service.price!)}`).join(', ')}.`;
}

/** One formatter per currency: building an `Intl.NumberFormat` costs far more than formatting with it. */
const moneyFormats = new Map<string, Intl.NumberFormat>();

function money(price: Price): string {
  let format = moneyFormats.get(price.currency);
  if (!format) {
    format = new Intl.NumberFormat('en', { style: 'currency', currency: price.currency, maximumFractionDigits: 2, minimumFractionDigits: 0 });
    moneyFormats.set(price.currency, format);
  }
  return format.format(price.amount);
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
