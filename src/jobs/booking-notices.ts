import type { DataSource, EntityManager } from 'typeorm';
import type { BusinessDirectory } from '../config/business-directory.js';
import type { Logger } from '../observability/logger.js';
import { writeOutbox } from '../storage/outbox.js';
import { buildInvite } from '../channels/calendar-invite.js';
import { emailFor, type BookingNotice } from './booking-messages.js';
import { loadBookingContext, type BookingContext } from './booking-context.js';
import { lockLiveRow, markFinished, markSent, type ComposableRow } from './outbox-claim.js';
import { reminderJobId } from './queues.js';
import { routeText } from './text-route.js';

export interface BookingNoticeDependencies {
  dataSource: DataSource;
  businesses: BusinessDirectory;
  logger: Logger;
  /** The address confirmation emails come from (MAIL_FROM), also the invite's organizer. */
  mailFrom: string;
  now: () => Date;
}

export type ComposeResult = { outcome: 'composed' | 'skipped'; reason?: string; staleReminderJobs: string[] };

type Change = Exclude<BookingNotice, 'reminder'>;


/**
 * Turns one `confirmation` row (written by the booking service with each change) into what the
 * customer receives, in one transaction: a text row on their channel, an email row with the
 * calendar invite when they gave an address, and the booking's reminder row replaced. Running it
 * twice writes nothing new (dedupe keys derive from this row's id). Returns the job ids of
 * reminders this change made stale, for the caller to remove from the queue after commit.
 */
export async function composeConfirmation(deps: BookingNoticeDependencies, outboxId: string): Promise<ComposeResult> {
  return deps.dataSource.transaction(async (manager) => {
    const row = await lockLiveRow(manager, outboxId, 'confirmation');
    if (!row) return { outcome: 'skipped', reason: 'already handled', staleReminderJobs: [] };
    const context = row.booking_id ? await loadBookingContext(manager, deps.businesses, row.booking_id) : undefined;
    if (!context) {
      await markFinished(manager, row.id, 'failed', 'booking, customer or business not found');
      return { outcome: 'skipped', reason: 'booking not found', staleReminderJobs: [] };
    }
    const change = changeOf(row);
    // The notice speaks of the time this change set (in its dedupe key), even if a later move
    // already happened: that move has its own notice.
    const start = startOf(row) ?? context.booking.start;
    const facts = { ...context.facts, start };

    const text = routeText(context.business, context.booking.channel, context.customer, change, facts, deps.now());
    if (text) {
      await writeOutbox(manager, {
        businessId: context.business.id,
        bookingId: context.booking.id,
        kind: text.kind,
        dedupeKey: `${row.id}:text`,
        payload: { ...text.payload, notice: change },
      });
    }
    if (context.customer.email) {
      await writeOutbox(manager, {
        businessId: context.business.id,
        bookingId: context.booking.id,
        kind: 'email',
        dedupeKey: `${row.id}:email`,
        payload: await confirmationEmail(manager, deps, row, context, change, start),
      });
    }
    const staleReminderJobs = await replaceReminder(manager, deps, context, change === 'cancelled' ? undefined : start);
    await markSent(manager, row.id, null);
    return { outcome: 'composed', staleReminderJobs };
  });
}

/**
 * A due `reminder` row becomes a text, but only for a booking still confirmed at the time the
 * reminder was set for, and a customer who has not opted out since.
 */
export async function composeReminder(deps: BookingNoticeDependencies, outboxId: string): Promise<ComposeResult> {
  return deps.dataSource.transaction(async (manager) => {
    const row = await lockLiveRow(manager, outboxId, 'reminder');
    if (!row) return { outcome: 'skipped', reason: 'already handled', staleReminderJobs: [] };
    const skip = async (reason: string): Promise<ComposeResult> => {
      await markFinished(manager, row.id, 'cancelled', reason);
      return { outcome: 'skipped', reason, staleReminderJobs: [] };
    };
    const context = row.booking_id ? await loadBookingContext(manager, deps.businesses, row.booking_id) : undefined;
    const start = typeof row.payload.start === 'string' ? new Date(row.payload.start) : undefined;
    if (!context || context.booking.status !== 'confirmed') return skip('booking cancelled');
    if (start?.getTime() !== context.booking.start.getTime()) return skip('booking moved');
    // Held back past the appointment (Redis was down for hours): a late reminder only confuses.
    if (start.getTime() <= deps.now().getTime()) return skip('appointment already started');
    if (context.customer.optedOutAt) return skip('customer opted out');
    const text = routeText(context.business, context.booking.channel, context.customer, 'reminder', context.facts, deps.now());
    if (!text) return skip('customer has no phone number');
    await writeOutbox(manager, {
      businessId: context.business.id,
      bookingId: context.booking.id,
      kind: text.kind,
      dedupeKey: `${row.id}:text`,
      payload: { ...text.payload, notice: 'reminder' },
    });
    await markSent(manager, row.id, null);
    return { outcome: 'composed', staleReminderJobs: [] };
  });
}

/**
 * Cancels the booking's reminders for any other time and, for a live booking, writes the one for
 * `start` (due `reminderLeadHours` before it; none when that moment has passed). The relay turns
 * it into a delayed job whose id is derived from booking and start.
 */
async function replaceReminder(
  manager: EntityManager,
  deps: BookingNoticeDependencies,
  context: BookingContext,
  start: Date | undefined,
): Promise<string[]> {
  const live = start !== undefined && context.booking.status === 'confirmed' && start.getTime() === context.booking.start.getTime();
  const keep = live ? `${context.booking.id}:reminder:${start.toISOString()}` : '';
  const stale: { payload: { start?: string } }[] = await manager.query(
    `WITH stale AS (
       UPDATE outbox SET status = 'cancelled', last_error = 'booking moved or cancelled', updated_at = now()
        WHERE booking_id = $1 AND kind = 'reminder' AND status IN ('pending', 'queued') AND dedupe_key <> $2
        RETURNING payload)
     SELECT payload FROM stale`,
    [context.booking.id, keep],
  );
  const lead = context.business.bookingRules.reminderLeadHours * 3_600_000;
  if (live && lead > 0) {
    const sendAt = new Date(start.getTime() - lead);
    if (sendAt.getTime() > deps.now().getTime()) {
      await writeOutbox(manager, {
        businessId: context.business.id,
        bookingId: context.booking.id,
        kind: 'reminder',
        dedupeKey: keep,
        payload: { start: start.toISOString(), sendAt: sendAt.toISOString() },
      });
    }
  }
  return stale
    .filter((row) => typeof row.payload.start === 'string')
    .map((row) => reminderJobId(context.booking.id, new Date(row.payload.start!)));
}

async function confirmationEmail(
  manager: EntityManager,
  deps: BookingNoticeDependencies,
  row: ComposableRow,
  context: BookingContext,
  change: Change,
  start: Date,
): Promise<Record<string, unknown>> {
  // SEQUENCE counts this booking's earlier notices, so each update outranks the one before.
  const earlier: { n: number }[] = await manager.query(
    `SELECT count(*)::int AS n FROM outbox WHERE booking_id = $1 AND kind = 'confirmation' AND (created_at, id) < ($2, $3)`,
    [context.booking.id, row.created_at, row.id],
  );
  const duration = context.booking.end.getTime() - context.booking.start.getTime();
  const content = emailFor(change, { ...context.facts, start });
  const method = change === 'cancelled' ? 'CANCEL' : 'REQUEST';
  const invite = buildInvite({
    method,
    bookingId: context.booking.id,
    sequence: earlier[0]?.n ?? 0,
    start,
    end: new Date(start.getTime() + duration),
    summary: `${context.facts.serviceName} with ${context.facts.staffName} at ${context.business.name}`,
    location: context.business.address,
    description: content.text,
    organizer: { name: context.business.name, email: addressOf(deps.mailFrom) },
    attendee: { name: context.customer.name ?? undefined, email: context.customer.email! },
    stampedAt: new Date(row.created_at),
  });
  return {
    to: context.customer.email,
    customerId: context.customer.id,
    ...content,
    invite: { method, content: invite },
    messageId: `<${row.id}.email@frontdesk>`,
  };
}

function changeOf(row: ComposableRow): Change {
  const change = row.payload.change;
  return change === 'rescheduled' || change === 'cancelled' ? change : 'booked';
}

/** `<booking>:<change>:<ISO start>` as written by the booking service; undefined for a cancellation. */
function startOf(row: ComposableRow): Date | undefined {
  const version = row.dedupe_key.split(':').slice(2).join(':');
  const start = new Date(version);
  return Number.isNaN(start.getTime()) ? undefined : start;
}

/** `Name <a@b>` or `a@b` → `a@b`. */
function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}
