import { DateTime } from 'luxon';
import { redactText } from '../../observability/redact.js';

/** An instant on the business's wall clock, the way an owner reads it: "Mon 7 Dec, 15:00". */
export function localTime(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toFormat('ccc d LLL, HH:mm');
}

/** A phone number (or `whatsapp:` address, or email) as lists show it: `***0123`, `***@example.com`. */
export function masked(address: string | null | undefined): string {
  return address ? redactText(address) : '—';
}

export function seconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value >= 60 ? `${Math.floor(value / 60)} min ${value % 60} s` : `${value} s`;
}

export function percent(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 100)}%`;
}

export function milliseconds(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Math.round(value)} ms`;
}
