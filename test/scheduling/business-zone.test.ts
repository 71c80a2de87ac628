import assert from 'node:assert/strict';
import { DateTime, IANAZone } from 'luxon';
import { businessZone } from '../../src/scheduling/business-zone.js';

/** `businessZone` answers Luxon's questions from a cache; these hold its answers to Luxon's own. */
describe('businessZone', () => {
  const zones = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Santiago', 'Pacific/Chatham', 'UTC'];

  it('gives the offset Luxon gives, every 47 minutes across two years of DST changes', () => {
    for (const name of zones) {
      const cached = businessZone(name);
      const luxon = IANAZone.create(name);
      for (let ts = Date.UTC(2026, 0, 1); ts < Date.UTC(2028, 0, 1); ts += 47 * 60_000) {
        if (cached.offset(ts) !== luxon.offset(ts)) assert.fail(`${name} at ${new Date(ts).toISOString()}: ${cached.offset(ts)} vs ${luxon.offset(ts)}`);
      }
    }
  });

  it('makes the same DateTimes as the zone name, gaps and repeated hours included', () => {
    const name = 'America/New_York';
    const cases = ['2026-03-08T02:30', '2026-11-01T01:30', '2026-12-01T10:00'];
    for (const local of cases) {
      const ours = DateTime.fromISO(local, { zone: businessZone(name) });
      const theirs = DateTime.fromISO(local, { zone: name });
      assert.equal(ours.toISO(), theirs.toISO(), local);
      assert.equal(ours.plus({ days: 1 }).startOf('day').toISO(), theirs.plus({ days: 1 }).startOf('day').toISO(), local);
      assert.ok(ours.hasSame(theirs, 'day'));
    }
    assert.ok(businessZone(name).equals(IANAZone.create(name)));
  });

  it('is one zone per name, and leaves a name Intl does not know invalid', () => {
    assert.equal(businessZone('Europe/London'), businessZone('Europe/London'));
    assert.equal(businessZone('Mars/Olympus_Mons').isValid, false);
    assert.equal(DateTime.fromJSDate(new Date(), { zone: businessZone('Mars/Olympus_Mons') }).isValid, false);
  });
});
