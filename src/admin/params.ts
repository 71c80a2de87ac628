import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Business } from '../config/business-schema.js';
import type { BusinessDirectory } from '../config/business-directory.js';

/**
 * Every query and path parameter the admin accepts, checked with zod. A failure is an
 * `AdminInputError` whose message names the parameter and the form expected; routes answer it
 * with 400.
 */
export class AdminInputError extends Error {
  override name = 'AdminInputError';
}

const MAX_RANGE_DAYS = 92;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

const statsQuery = z.strictObject({
  business: z.string().optional(),
  from: day.optional(),
  to: day.optional(),
});

const listQuery = z.strictObject({
  business: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const bookingsQuery = listQuery.extend({ when: z.enum(['upcoming', 'past']).default('upcoming'), cancelled: z.literal('1').optional() });

const idParam = z.uuid({ message: 'expected a UUID' });

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'query';
  const message = issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}` : issue.message;
  throw new AdminInputError(`${where}: ${message}`);
}

/** The business a page is about: the one named, or the first configured when none is. */
function pickBusiness(directory: BusinessDirectory, id: string | undefined): Business {
  if (id === undefined) return directory.all()[0]!;
  const business = directory.get(id);
  if (!business) throw new AdminInputError(`business: no business "${id}"; known: ${directory.all().map((b) => b.id).join(', ')}`);
  return business;
}

export interface StatsRange {
  business: Business;
  /** Local dates as given (inclusive). */
  fromDay: string;
  toDay: string;
  /** The instants they cover on the business's wall clock: [from, to). */
  from: Date;
  to: Date;
  /** One day is charted by hour, longer ranges by day. */
  bucket: 'hour' | 'day';
}

export function parseStatsQuery(directory: BusinessDirectory, query: unknown, now: Date): StatsRange {
  const input = parse(statsQuery, query);
  const business = pickBusiness(directory, input.business);
  const today = DateTime.fromJSDate(now, { zone: business.timeZone }).toISODate()!;
  const fromDay = input.from ?? input.to ?? today;
  const toDay = input.to ?? fromDay;
  const from = DateTime.fromISO(fromDay, { zone: business.timeZone });
  const to = DateTime.fromISO(toDay, { zone: business.timeZone });
  if (!from.isValid) throw new AdminInputError(`from: ${fromDay} is not a calendar date`);
  if (!to.isValid) throw new AdminInputError(`to: ${toDay} is not a calendar date`);
  if (to < from) throw new AdminInputError('to: must be on or after from');
  const days = to.diff(from, 'days').days + 1;
  if (days > MAX_RANGE_DAYS) throw new AdminInputError(`to: a range is at most ${MAX_RANGE_DAYS} days; this one is ${days}`);
  return {
    business,
    fromDay,
    toDay,
    from: from.toJSDate(),
    to: to.plus({ days: 1 }).toJSDate(),
    bucket: days === 1 ? 'hour' : 'day',
  };
}

export function parseListQuery(directory: BusinessDirectory, query: unknown): { business: Business; limit: number } {
  const input = parse(listQuery, query);
  return { business: pickBusiness(directory, input.business), limit: input.limit };
}

export function parseBookingsQuery(directory: BusinessDirectory, query: unknown) {
  const input = parse(bookingsQuery, query);
  return { business: pickBusiness(directory, input.business), limit: input.limit, when: input.when, cancelled: input.cancelled === '1' };
}

export function parseId(value: unknown, name = 'id'): string {
  return parse(z.object({ [name]: idParam }), { [name]: value })[name] as string;
}
