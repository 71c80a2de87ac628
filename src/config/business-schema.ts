import { z } from 'zod';
import { checkAcrossFields, isRecord, resolveStaffing } from './business-cross-checks.js';
import { contentSid, currency, locale, phoneNumber, slug, strictShape, text, timeZone, wholeMinutes } from './business-field-types.js';
import { closure, dateOverride, weeklyHours } from './business-hours-schema.js';
import type { WeeklyHours } from './business-hours-schema.js';

export { normalizePhoneNumber } from './business-field-types.js';
export { weekdays } from './business-hours-schema.js';
export type { Closure, DateOverride, DaySchedule, OpeningHours, TimeRange, Weekday, WeeklyHours } from './business-hours-schema.js';

/**
 * One business file (config/businesses/*.yaml), as its owner writes it. Every message here is
 * read by that owner, so each says what was expected and quotes what the file held. Times are
 * "HH:MM" wall-clock times and dates "YYYY-MM-DD" calendar dates, both in the business's own
 * time zone; turning them into instants is the scheduling code's job.
 *
 * The single values live in business-field-types, the opening hours in business-hours-schema and
 * the checks between fields in business-cross-checks; this file assembles the business.
 */

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
  /** Their Google calendar (usually their email): its busy times block slots; bookings are mirrored there. */
  calendarId: text.optional(),
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
  /** Where messages taken for the team (and call summaries) are emailed; without it they are texted to forwardingNumber. */
  teamEmail: z.email({ message: 'expected an email address such as team@example.com' }).optional(),
  greeting: text,
  /** Spoken before the greeting, where the law asks callers to be told they are recorded. */
  recordingNotice: text.optional(),
  messaging,
});

/** The file as validated, before resolveStaffing merges both sides of the staff/service relation. */
export type BusinessFields = z.output<typeof businessFields>;

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
 * A business file. Parse with `{ reportInput: true }` so messages can quote what the file held.
 * Cross-field checks run whenever the file is a mapping at all, not only when all else is valid.
 */
export const businessSchema = businessFields
  .superRefine(checkAcrossFields, { when: (payload) => isRecord(payload.value) })
  .transform(resolveStaffing);
