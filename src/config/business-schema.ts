import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { describeUnknownKeys, describeValue } from './format-issues.js';

/**
 * One business file (config/businesses/*.yaml), as its owner writes it. Every message here is
 * read by that owner, so each says what was expected and quotes what the file held. Times are
 * "HH:MM" wall-clock times and dates "YYYY-MM-DD" calendar dates, both in the business's own
 * time zone; turning them into instants is the scheduling code's job.
 */

/** Unknown keys are errors, not silently dropped: a misspelt `breaks` would otherwise vanish. */
function strictShape<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? describeUnknownKeys(issue.keys, allowed) : undefined),
  });
}

/** Error options for a refinement whose message quotes the value: `…, got "Mars/Base"`. */
function expecting(what: string) {
  return { error: (issue: { input?: unknown }) => `${what}, got ${describeValue(issue.input)}` };
}

/**
 * Free text. YAML reads an unquoted `111` or `2024` as a number; in a keyword, name or answer
 * the owner meant the words, so numbers are taken as text rather than rejected.
 */
const text = z.preprocess(
  (value) => (typeof value === 'number' ? String(value) : value),
  z.string().trim().min(1, 'expected text, got an empty value'),
);

/**
 * Text in a fixed format. Whether the value is missing, of the wrong kind or malformed, the
 * message names the format, which "expected text" alone would not.
 */
function formatted(expected: string, isValid: (value: string) => boolean) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `required, ${expected}` : `${expected}, got ${describeValue(issue.input)}`) })
    .refine(isValid, expecting(expected));
}

const slug = (example: string) =>
  formatted(`expected an id of lowercase letters, digits and dashes like "${example}"`, (value) => /^[a-z0-9-]+$/.test(value));

/** Minutes since midnight of an "HH:MM" 24-hour time, or undefined when it is not one. */
function minutesOfDay(time: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

const clockTime = formatted('expected a time as HH:MM (24-hour clock)', (value) => minutesOfDay(value) !== undefined);

function isCalendarDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid;
}

const calendarDate = formatted('expected a real date as YYYY-MM-DD', isCalendarDate);

/**
 * The E.164 form of a phone number written with or without spacing, or with the channel prefix
 * Twilio puts on WhatsApp addresses (`whatsapp:+1…`); undefined when it is not a valid
 * international number. Routing compares these forms, so the file and webhooks must agree.
 */
export function normalizePhoneNumber(raw: string): string | undefined {
  const compact = raw
    .trim()
    .replace(/^(whatsapp|sms|tel):/i, '')
    .replace(/[\s().-]/g, '');
  if (!/^\+\d+$/.test(compact)) return undefined;
  const parsed = parsePhoneNumberFromString(compact);
  return parsed?.isValid() ? parsed.number : undefined;
}

const phoneNumber = formatted(
  'expected a phone number in international format like +12125550123',
  (value) => normalizePhoneNumber(value) !== undefined,
).transform((value) => normalizePhoneNumber(value) ?? value);

const timeZone = formatted('expected an IANA time zone like America/New_York', (value) => IANAZone.isValidZone(value));

/** Twilio's `<Say language>` takes language-REGION tags, so a region is required. */
const locale = formatted(
  'expected a language and region like en-US or en-GB',
  (value) => /^[a-z]{2,3}-[A-Z]{2}$/.test(value) && Intl.getCanonicalLocales(value)[0] === value,
);

const currencies = new Set(Intl.supportedValuesOf('currency'));
const currency = formatted('expected a three-letter currency code like USD or GBP', (value) => currencies.has(value));

const contentSid = formatted('expected a Twilio Content SID: HX followed by 32 hex digits', (value) =>
  /^HX[0-9a-fA-F]{32}$/.test(value),
);

const wholeMinutes = z.number().int().min(0);

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

const weeklyHours = strictShape({
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

const closure = z.union(
  [strictShape({ date: calendarDate, reason: text.optional() }), closureRange],
  expecting('expected a closure like { date: "2026-12-25" } or { from: "2026-12-24", to: "2026-12-26" }'),
);

const dateOverride = z.union(
  [
    strictShape({ date: calendarDate, ...openingHoursFields }).superRefine(checkOpeningHours),
    strictShape({ date: calendarDate, closed: z.literal(true) }),
  ],
  expecting('expected { date, open, close } or { date, closed: true }'),
);

const price = strictShape({ amount: z.number().min(0), currency });

const service = strictShape({
  id: slug('womens-cut'),
  name: text,
  /** What callers say instead of the name ("trim", "highlights"); matched by the dialog. */
  synonyms: z.array(text).default([]),
  durationMinutes: z.number().int().positive(),
  price: price.optional(),
  /** Preparation and clean-up: they block the staff member's calendar but are not booked time. */
  bufferBeforeMinutes: wholeMinutes.default(0),
  bufferAfterMinutes: wholeMinutes.default(0),
  staff: z.array(slug('anna')).optional(),
});

const staffMember = strictShape({
  id: slug('anna'),
  name: text,
  /** Replaces the business's hours entirely when given: a day left out is a day off. */
  hours: weeklyHours.optional(),
  services: z.array(slug('womens-cut')).optional(),
});

const bookingRules = strictShape({
  minimumNoticeMinutes: wholeMinutes.default(60),
  horizonDays: z.number().int().positive().default(60),
  slotIntervalMinutes: z.number().int().positive().default(15),
  cancellationNoticeHours: wholeMinutes.default(24),
  reminderLeadHours: wholeMinutes.default(24),
}).prefault({});

const faqEntry = strictShape({ id: slug('parking'), question: text, keywords: z.array(text).default([]), answer: text });

const messaging = strictShape({
  smsFrom: phoneNumber.optional(),
  whatsappFrom: phoneNumber.optional(),
  whatsappTemplates: strictShape({
    confirmation: contentSid.optional(),
    reminder: contentSid.optional(),
    cancellation: contentSid.optional(),
    reschedule: contentSid.optional(),
  }).optional(),
}).prefault({});

const businessFields = strictShape({
  id: slug('bella-hair-studio'),
  name: text,
  /** Calls to any of these reach this business; one number belongs to one business only. */
  phoneNumbers: z.array(phoneNumber).min(1, 'expected at least one phone number that routes to this business'),
  timeZone,
  locale: locale.default('en-US'),
  address: text,
  weeklyHours,
  /** Whole days closed; a closure wins over weekly hours and date overrides. */
  closures: z.array(closure).default([]),
  /** Special hours on one date, in place of that weekday's usual hours. */
  dateOverrides: z.array(dateOverride).default([]),
  services: z.array(service).min(1, 'expected at least one service'),
  staff: z.array(staffMember).min(1, 'expected at least one staff member'),
  bookingRules,
  faq: z.array(faqEntry).default([]),
  /** Where "let me put you through" rings; without it the receptionist takes a message. */
  forwardingNumber: phoneNumber.optional(),
  greeting: text,
  /** Spoken before the greeting, where the law asks callers to be told they are recorded. */
  recordingNotice: text.optional(),
  messaging,
});

type BusinessFields = z.output<typeof businessFields>;

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
export type Price = z.output<typeof price>;
export type BookingRules = z.output<typeof bookingRules>;
export type FaqEntry = z.output<typeof faqEntry>;
export type Messaging = z.output<typeof messaging>;
export type WhatsAppTemplates = NonNullable<Messaging['whatsappTemplates']>;

export interface Service extends Omit<z.output<typeof service>, 'staff'> {
  /** Every staff member who can do it: the service's own list merged with the staff's lists. */
  staff: string[];
}

export interface StaffMember extends Omit<z.output<typeof staffMember>, 'hours' | 'services'> {
  /** Their own hours, or the business's when the file gives none. */
  hours: WeeklyHours;
  /** Every service they can do, from both sides of the relation. */
  services: string[];
}

export interface Business extends Omit<BusinessFields, 'services' | 'staff'> {
  services: Service[];
  staff: StaffMember[];
}

/**
 * Checks between fields. They run even when other parts of the file are wrong, so that an owner
 * sees every problem in one go; they therefore read the file defensively and skip broken parts.
 */
type Draft = Record<string, unknown>;

function isRecord(value: unknown): value is Draft {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entries(list: unknown): [number, Draft][] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, index): [number, Draft][] => (isRecord(item) ? [[index, item]] : []));
}

function strings(list: unknown): [number, string][] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, index): [number, string][] => (typeof item === 'string' ? [[index, item]] : []));
}

function idsOf(list: unknown): [number, string][] {
  return entries(list).flatMap(([index, item]): [number, string][] => (typeof item.id === 'string' ? [[index, item.id]] : []));
}

/** Each value seen before, with the index where it first appeared. */
function repeats(values: [number, string][]): { index: number; value: string; first: number }[] {
  const firstIndex = new Map<string, number>();
  return values.flatMap(([index, value]) => {
    const first = firstIndex.get(value);
    if (first === undefined) firstIndex.set(value, index);
    return first === undefined ? [] : [{ index, value, first }];
  });
}

function known(ids: [number, string][]): string {
  return ids.length === 0 ? 'none' : [...new Set(ids.map(([, id]) => id))].join(', ');
}

function checkAcrossFields(draft: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(draft)) return;
  const report = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  for (const list of ['services', 'staff', 'faq']) {
    for (const { index, value, first } of repeats(idsOf(draft[list]))) {
      report([list, index, 'id'], `duplicate id "${value}", already used by ${list}[${first}]`);
    }
  }
  for (const { index, value, first } of repeats(strings(draft.phoneNumbers))) {
    report(['phoneNumbers', index], `duplicate number ${value}, already listed as phoneNumbers[${first}]`);
  }
  checkStaffing(draft, report);
  checkDates(draft, report);
  if (typeof draft.forwardingNumber === 'string') {
    const own = strings(draft.phoneNumbers).find(([, number]) => number === draft.forwardingNumber);
    if (own) {
      report(['forwardingNumber'], `${own[1]} is this business's own phoneNumbers[${own[0]}]; transfers would ring the receptionist again`);
    }
  }
  const messages = draft.messaging;
  if (isRecord(messages) && messages.whatsappTemplates !== undefined && messages.whatsappFrom === undefined) {
    report(['messaging', 'whatsappFrom'], 'required when whatsappTemplates are set, expected the WhatsApp sender number like +12125550123');
  }
  const hours = draft.weeklyHours;
  if (isRecord(hours) && weekdays.every((day) => hours[day] === 'closed')) {
    report(['weeklyHours'], 'every day is closed; expected opening hours on at least one day');
  }
}

type Report = (path: PropertyKey[], message: string) => void;

/** References between services and staff exist, and every service has someone to do it. */
function checkStaffing(draft: Draft, report: Report): void {
  const staffIds = idsOf(draft.staff);
  const serviceIds = idsOf(draft.services);
  const offeredByStaff = new Set<string>();
  for (const [index, member] of entries(draft.staff)) {
    for (const [position, id] of strings(member.services)) {
      offeredByStaff.add(id);
      if (!serviceIds.some(([, known]) => known === id)) {
        report(['staff', index, 'services', position], `unknown service id "${id}" (known: ${known(serviceIds)})`);
      }
    }
  }
  for (const [index, service] of entries(draft.services)) {
    const assigned = strings(service.staff);
    for (const [position, id] of assigned) {
      if (!staffIds.some(([, known]) => known === id)) {
        report(['services', index, 'staff', position], `unknown staff id "${id}" (known: ${known(staffIds)})`);
      }
    }
    const id = service.id;
    // With no staff at all the missing list is the one problem worth reporting.
    if (typeof id !== 'string' || staffIds.length === 0 || assigned.length > 0 || offeredByStaff.has(id)) continue;
    report(
      ['services', index],
      `no staff member can do "${id}"; expected staff ids under services[${index}].staff, or "${id}" in a staff member's services`,
    );
  }
}

/** Date overrides: one per date, and never on a day a closure already shuts. */
function checkDates(draft: Draft, report: Report): void {
  const overrides = entries(draft.dateOverrides).flatMap(([index, override]): [number, string][] =>
    typeof override.date === 'string' ? [[index, override.date]] : [],
  );
  for (const { index, value, first } of repeats(overrides)) {
    report(['dateOverrides', index, 'date'], `duplicate date ${value}, already in dateOverrides[${first}]`);
  }
  const closed = entries(draft.closures).flatMap(([index, closure]) => {
    const from = closure.date ?? closure.from;
    const to = closure.date ?? closure.to;
    return typeof from === 'string' && typeof to === 'string' ? [{ index, from, to }] : [];
  });
  for (const [index, date] of overrides) {
    const closure = closed.find(({ from, to }) => from <= date && date <= to);
    if (closure === undefined) continue;
    report(
      ['dateOverrides', index, 'date'],
      `${date} falls in closures[${closure.index}], and a closure wins; remove the override or shorten the closure`,
    );
  }
}

/** Merges both sides of the staff/service relation and fills in staff hours. */
function resolveStaffing(fields: BusinessFields): Business {
  const staffFor = new Map(fields.services.map((service) => [service.id, new Set(service.staff ?? [])]));
  for (const member of fields.staff) {
    for (const serviceId of member.services ?? []) staffFor.get(serviceId)?.add(member.id);
  }
  const canDo = (memberId: string, serviceId: string) => staffFor.get(serviceId)?.has(memberId) ?? false;
  return {
    ...fields,
    services: fields.services.map((service) => ({
      ...service,
      staff: fields.staff.filter((member) => canDo(member.id, service.id)).map((member) => member.id),
    })),
    staff: fields.staff.map((member) => ({
      ...member,
      hours: member.hours ?? fields.weeklyHours,
      services: fields.services.filter((service) => canDo(member.id, service.id)).map((service) => service.id),
    })),
  };
}

/**
 * A business file. Parse with `{ reportInput: true }` so messages can quote what the file held.
 * Cross-field checks run whenever the file is a mapping at all, not only when all else is valid.
 */
export const businessSchema = businessFields
  .superRefine(checkAcrossFields, { when: (payload) => isRecord(payload.value) })
  .transform(resolveStaffing);
