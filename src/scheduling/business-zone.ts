import { IANAZone, type Zone } from 'luxon';
import { LocalClock } from './local-time.js';

/**
 * A Luxon zone whose offsets come from `LocalClock`'s per-day cache. Luxon's own `IANAZone` asks
 * `Intl.DateTimeFormat.formatToParts` on every offset it needs, and a `DateTime` needs one or more
 * on each construction, `set`, `plus` and `startOf`: about a fifth of a dialog turn's time went
 * there. Everything else (names, formatting, `equals` a plain `IANAZone` of the same name) is
 * Luxon's.
 */
class CachedIanaZone extends IANAZone {
  readonly #clock: LocalClock;

  constructor(clock: LocalClock) {
    super(clock.timeZone);
    this.#clock = clock;
  }

  override offset(ts: number): number {
    return this.#clock.offsetMinutes(ts);
  }
}

const zones = new Map<string, Zone>();

/**
 * The zone to give Luxon (`{ zone: businessZone(business.timeZone) }`) for a business's wall
 * clock: one per zone name, shared. A name Intl does not know gives Luxon's own (invalid) zone,
 * so Luxon answers as it would for the string.
 */
export function businessZone(timeZone: string): Zone {
  let zone = zones.get(timeZone);
  if (zone) return zone;
  if (!IANAZone.isValidZone(timeZone)) return IANAZone.create(timeZone);
  zone = new CachedIanaZone(LocalClock.of(timeZone));
  zones.set(timeZone, zone);
  return zone;
}
