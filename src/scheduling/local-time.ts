import { IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * Conversions between UTC instants and a zone's wall clock, in epoch milliseconds. "Local ms"
 * means the wall-clock reading expressed as if it were UTC (so `Date.UTC(y, m, d, h, min)` is a
 * local ms). Offsets are memoised because the availability engine asks for the same ones for
 * every staff member; Intl-based offset lookups are the engine's most expensive step.
 */
export class LocalClock {
  private readonly zone: IANAZone;
  private readonly offsets = new Map<number, number>();

  constructor(readonly timeZone: string) {
    this.zone = IANAZone.create(timeZone);
    if (!this.zone.isValid) throw new Error(`unknown time zone "${timeZone}"`);
  }

  /** Offset from UTC in minutes at an instant. */
  offsetMinutes(utcMs: number): number {
    let offset = this.offsets.get(utcMs);
    if (offset === undefined) {
      offset = this.zone.offset(utcMs);
      this.offsets.set(utcMs, offset);
    }
    return offset;
  }

  toLocal(utcMs: number): number {
    return utcMs + this.offsetMinutes(utcMs) * MINUTE_MS;
  }

  /**
   * The instant a wall-clock reading happens. In a spring-forward gap the reading never happens:
   * `undefined`. In the repeated fall-back hour it happens twice: the first is returned, so each
   * wall-clock time is offered once.
   */
  toUtc(localMs: number): number | undefined {
    const earlier = localMs - this.offsetMinutes(localMs - DAY_MS / 2) * MINUTE_MS;
    if (this.toLocal(earlier) === localMs) return earlier;
    const later = localMs - this.offsetMinutes(localMs + DAY_MS / 2) * MINUTE_MS;
    if (this.toLocal(later) === localMs) return later;
    return undefined;
  }

  /**
   * Like `toUtc`, but a reading inside a spring-forward gap is read with the offset before the
   * jump, i.e. shifted later by the gap (as Luxon and Temporal do): hours "02:30-05:00" on that
   * night start at 03:30, and never vanish.
   */
  toUtcShifted(localMs: number): number {
    return this.toUtc(localMs) ?? localMs - this.offsetMinutes(localMs - DAY_MS / 2) * MINUTE_MS;
  }

  /** `YYYY-MM-DD` of the local date at an instant. */
  localDate(utcMs: number): string {
    return new Date(this.toLocal(utcMs)).toISOString().slice(0, 10);
  }
}

/** Local ms of midnight starting a `YYYY-MM-DD` date. */
export function localMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

/** `YYYY-MM-DD` of a local ms. */
export function dateOfLocal(localMs: number): string {
  return new Date(localMs).toISOString().slice(0, 10);
}

/** Minutes since midnight of an `HH:MM` string (validated when the business file loaded). */
export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** Weekday name of a `YYYY-MM-DD` date. */
export function weekdayOf(date: string): (typeof WEEKDAYS)[number] {
  return WEEKDAYS[new Date(localMidnight(date)).getUTCDay()]!;
}
