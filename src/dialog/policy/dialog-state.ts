import { z } from 'zod';
import type { Expectation, Intent } from '../understanding/types.js';

/** An option we offered, kept so "the second one" can be booked exactly as offered. */
export interface OfferedSlot {
  /** ISO instant. */
  start: string;
  staffId: string;
}

/**
 * Everything a conversation remembers between turns. Plain JSON, so it can be stored in
 * Postgres (`conversations.state`) and a text conversation can continue days later.
 */
export interface DialogState {
  stage: 'collecting' | 'offering' | 'confirming' | 'finished';
  intent?: Intent;
  serviceId?: string;
  staffId?: string;
  /** `YYYY-MM-DD` on the business's wall clock. */
  date?: string;
  /** "next week": a span of days (`YYYY-MM-DD`, both included) searched when no single day was said. */
  dateRange?: { from: string; to: string };
  /** `HH:MM`. */
  time?: string;
  timeOfDay?: { from: string; to: string };
  offered: OfferedSlot[];
  chosen?: OfferedSlot;
  /** The booking being moved or cancelled. */
  bookingId?: string;
  /** Turns in a row we did not understand. */
  failedTurns: number;
  /** We offered to put them through to a person; a yes now means transfer. */
  offeredTransfer?: boolean;
  lastPrompt?: string;
  expecting?: Expectation;
  /** Contact details the customer gave in this conversation (their own number may be unknown). */
  customer?: { name?: string; phone?: string; email?: string };
  /** Finding their booking by name and day, for someone not calling from the booking's number. */
  lookup?: { name?: string; date?: string };
  /** Taking a message for the team, step by step. */
  message?: { step: 'name' | 'phone' | 'reason'; name?: string; phone?: string };
}

export function newDialogState(): DialogState {
  return { stage: 'collecting', offered: [], failedTurns: 0 };
}

const storedShape = z.looseObject({
  stage: z.enum(['collecting', 'offering', 'confirming', 'finished']),
  offered: z.array(z.object({ start: z.iso.datetime({ offset: true }), staffId: z.string() })),
  failedTurns: z.number().int().nonnegative(),
});

/**
 * The state saved after the last turn, or a fresh one when there is none or it is not one we
 * can read (an empty `{}` column, or state written by an older release): a conversation that
 * starts over is better than one that fails on every message.
 */
export function restoreDialogState(stored: unknown): DialogState {
  return storedShape.safeParse(stored).success ? (stored as DialogState) : newDialogState();
}
