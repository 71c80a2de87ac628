import { IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * Conversions between UTC instants and a zone's wall clock, in epoch milliseconds. "Local ms"
 * means the wall-clock reading expressed as if it were UTC (so `Date.UTC(y, m, d, h, min)` is a
 * local ms).
 *
 * Intl-based offset lookups are the availability engine's most expensive step, so offsets are
 * cached per UTC day: when a day starts and ends on the same offset, the whole day has it. That
 * holds for every real zone, which changes offset at most once in any 24 hours; only days with a
 * change ask Intl per instant.
 */
export class LocalClock {
  private readonly zone: IANAZone;
  /** UTC day number → its offset in minutes, or null on a day the offset changes. */
  private readonly dayOffsets = new Map<number, number | null>();

  private constructor(readonly timeZone: string) {
    this.zone = IANAZone.create(timeZone);
    if (!this.zone.isValid) throw new Error(`unknown time zone "${timeZone}"`);
  }

  private static readonly clocks = new Map<string, LocalClock>();

  /** One clock per zone, shared, so its offset cache serves every query. */
  static of(timeZone: string): LocalClock {
    let clock = LocalClock.clocks.get(timeZone);
    if (!clock) {
      clock = new LocalClock(timeZone);
      LocalClock.clocks.set(timeZone, clock);
    }
    return clock;
  }

  /** Offset from UTC in minutes at an instant. */
  offsetMinutes(utcMs: number): number {
    const day = Math.floor(utcMs / DAY_MS);
    let offset = this.dayOffsets.get(day);
    if (offset === undefined) {
      const atStart = this.zone.offset(day * DAY_MS);
      offset = atStart === this.zone.offset((day + 1) * DAY_MS - 1) ? atStart : null;
      this.dayOffsets.set(day, offset);
    }
    return offset ?? this.zone.offset(utcMs);
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
   * The first instant at which the wall clock reads `localMs` or later. Outside a spring-forward
   * gap that is `toUtc`; inside one it is the jump itself, since that is when the clock passes
   * the reading: hours "00:00-02:15" on New York's change night close at 03:00 EDT, and hours
   * from "02:30" open then.
   */
  toUtcAtOrAfter(localMs: number): number {
    const exact = this.toUtc(localMs);
    if (exact !== undefined) return exact;
    // Before the jump the clock reads less than localMs, after it more: bisect to the minute.
    let before = localMs - this.offsetMinutes(localMs + DAY_MS / 2) * MINUTE_MS;
    let after = localMs - this.offsetMinutes(localMs - DAY_MS / 2) * MINUTE_MS;
    while (after - before > MINUTE_MS) {
      const middle = before + Math.floor((after - before) / 2 / MINUTE_MS) * MINUTE_MS;
      if (this.toLocal(middle) >= localMs) after = middle;
      else before = middle;
    }
    return after;
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
