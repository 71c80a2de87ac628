/**
 * An iCalendar (RFC 5545) invite for one booking, written by hand because the format we need is
 * a dozen lines. Calendar apps match updates by UID and keep the highest SEQUENCE, so the UID is
 * the booking id (the same across moves and the cancellation) and SEQUENCE counts the booking's
 * changes; METHOD:REQUEST adds or moves the event, METHOD:CANCEL removes it (RFC 5546 §3.2).
 */

export interface InviteDetails {
  method: 'REQUEST' | 'CANCEL';
  bookingId: string;
  /** 0 for the first invite, +1 for each later change of the same booking. */
  sequence: number;
  start: Date;
  end: Date;
  summary: string;
  location: string;
  description: string;
  organizer: { name: string; email: string };
  attendee: { name?: string | undefined; email: string };
  /** DTSTAMP: when this version was written. */
  stampedAt: Date;
}

export function inviteUid(bookingId: string): string {
  return `${bookingId}@frontdesk`;
}

export function buildInvite(invite: InviteDetails): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Frontdesk//Appointments//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${invite.method}`,
    'BEGIN:VEVENT',
    `UID:${inviteUid(invite.bookingId)}`,
    `SEQUENCE:${invite.sequence}`,
    `DTSTAMP:${utcStamp(invite.stampedAt)}`,
    `DTSTART:${utcStamp(invite.start)}`,
    `DTEND:${utcStamp(invite.end)}`,
    `SUMMARY:${escapeText(invite.summary)}`,
    `LOCATION:${escapeText(invite.location)}`,
    `DESCRIPTION:${escapeText(invite.description)}`,
    `ORGANIZER;CN=${quoteParam(invite.organizer.name)}:mailto:${invite.organizer.email}`,
    `ATTENDEE;${invite.attendee.name ? `CN=${quoteParam(invite.attendee.name)};` : ''}ROLE=REQ-PARTICIPANT:mailto:${invite.attendee.email}`,
    `STATUS:${invite.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}

/** `20260302T150000Z`: UTC, so no VTIMEZONE block is needed. */
function utcStamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 §3.3.11). */
function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Parameter values with `:;,` must be quoted, and may not hold a quote. */
function quoteParam(value: string): string {
  return `"${value.replace(/"/g, "'")}"`;
}

/** Lines longer than 75 octets continue on the next line after a space (RFC 5545 §3.1), never splitting a UTF-8 character. */
function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}
