import { DateTime } from 'luxon';
import { sayClockTime } from '../dialog/rendering/spoken-time.js';
import { paragraphs } from '../channels/senders/mail-html.js';

/**
 * The words of booking confirmations, change notices and reminders, for texts and email. Written
 * dates are absolute ("Monday 2 March at 10 am", on the business's wall clock): a text is read
 * later than it is sent, so "tomorrow" could be wrong by then. Texts stay within GSM-7 (no emoji,
 * straight quotes) so one stays one segment where it can (PROTOCOLS.md "SMS length").
 */

export type BookingNotice = 'booked' | 'rescheduled' | 'cancelled' | 'reminder';

export interface BookingFacts {
  businessName: string;
  address: string;
  /** The business's number customers can call. */
  businessPhone: string;
  serviceName: string;
  staffName: string;
  start: Date;
  timeZone: string;
  customerName?: string | undefined;
}

export function writtenWhen(start: Date, timeZone: string): string {
  const at = DateTime.fromJSDate(start, { zone: timeZone });
  return `${at.toFormat('cccc d LLLL')} at ${sayClockTime(at)}`;
}

export function textFor(notice: BookingNotice, facts: BookingFacts): string {
  const what = `${facts.serviceName} with ${facts.staffName}`;
  const when = writtenWhen(facts.start, facts.timeZone);
  switch (notice) {
    case 'booked':
      return `${facts.businessName}: you're booked for ${what} on ${when}. Reply to change or cancel.`;
    case 'rescheduled':
      return `${facts.businessName}: your ${what} has moved to ${when}. Reply to change or cancel.`;
    case 'cancelled':
      return `${facts.businessName}: your ${what} on ${when} is cancelled. Reply to book again.`;
    case 'reminder':
      return `${facts.businessName}: reminder of your ${what} on ${when}, ${facts.address}. Reply to change or cancel.`;
  }
}

/** Variables of the business's approved WhatsApp templates: {{1}} service, {{2}} when, {{3}} business. */
export function templateVariables(facts: BookingFacts): Record<string, string> {
  return { 1: facts.serviceName, 2: writtenWhen(facts.start, facts.timeZone), 3: facts.businessName };
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const subjects: Record<Exclude<BookingNotice, 'reminder'>, string> = {
  booked: 'Booked',
  rescheduled: 'Moved',
  cancelled: 'Cancelled',
};

export function emailFor(notice: Exclude<BookingNotice, 'reminder'>, facts: BookingFacts): EmailContent {
  const when = writtenWhen(facts.start, facts.timeZone);
  const greeting = facts.customerName ? `Hello ${facts.customerName},` : 'Hello,';
  const lines = [
    greeting,
    '',
    textFor(notice, facts).replace(`${facts.businessName}: `, '').replace(/^./, (first) => first.toUpperCase()),
    '',
    `Where: ${facts.businessName}, ${facts.address}`,
    `Questions: call ${facts.businessPhone}`,
  ];
  return {
    subject: `${subjects[notice]}: ${facts.serviceName} at ${facts.businessName}, ${when}`,
    text: lines.join('\n'),
    html: paragraphs(lines),
  };
}
