import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { BusinessConfigError, loadBusinesses } from '../../src/config/load-businesses.js';

/**
 * One test per kind of mistake an owner makes in a business file. Each writes the smallest valid
 * business with that one mistake and asserts the complete list of messages, so a message that
 * changes, goes missing, or comes with noise fails the test.
 */

// Tests break the file on purpose (wrong types, missing keys), which a precise type would forbid.
type BusinessFile = Record<string, any>;

function validBusiness(): BusinessFile {
  return {
    id: 'test-salon',
    name: 'Test Salon',
    phoneNumbers: ['+12125550100'],
    timeZone: 'America/New_York',
    address: '1 Main Street, New York, NY 10001',
    weeklyHours: {
      monday: { open: '09:00', close: '17:00', breaks: [{ start: '12:00', end: '13:00' }] },
      saturday: { open: '10:00', close: '16:00' },
      sunday: 'closed',
    },
    closures: [{ date: '2026-12-25', reason: 'Christmas Day' }],
    services: [
      { id: 'womens-cut', name: "Women's cut", durationMinutes: 60, staff: ['anna'] },
      { id: 'mens-cut', name: "Men's cut", durationMinutes: 30, staff: ['ben'] },
      { id: 'blow-dry', name: 'Blow-dry', durationMinutes: 45 },
    ],
    staff: [
      { id: 'anna', name: 'Anna', services: ['blow-dry'] },
      { id: 'ben', name: 'Ben' },
    ],
    greeting: 'Hello, Test Salon.',
  };
}

describe('business file mistakes', () => {
  let folder: string;
  let written = 0;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'frontdesk-business-schema-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  async function writeBusiness(change: (file: BusinessFile) => void): Promise<string> {
    const content = validBusiness();
    change(content);
    const file = join(folder, `business-${++written}.yaml`);
    await writeFile(file, stringify(content));
    return file;
  }

  /** Loads a file with `change` applied and returns every message, each without the file name. */
  async function problemsWith(change: (file: BusinessFile) => void): Promise<string[]> {
    const file = await writeBusiness(change);
    const error = catchConfigError(() => loadBusinesses(file));
    return error.problems.map((problem) => {
      assert.ok(problem.startsWith(`${file}: `), `every message names the file: ${problem}`);
      return problem.slice(file.length + 2);
    });
  }

  it('accepts the valid business the other tests break', async () => {
    const file = await writeBusiness(() => {});
    const [business] = loadBusinesses(file);
    assert.equal(business?.id, 'test-salon');
    assert.equal(business?.locale, 'en-US', 'locale defaults to en-US');
    assert.equal(business?.weeklyHours.tuesday, 'closed', 'a day left out is closed');
    assert.deepEqual(business?.bookingRules, {
      minimumNoticeMinutes: 60,
      horizonDays: 60,
      slotIntervalMinutes: 15,
      cancellationNoticeHours: 24,
      reminderLeadHours: 24,
    });
  });

  it('reports a missing required field', async () => {
    assert.deepEqual(
      await problemsWith((file) => delete file.greeting),
      ['greeting: required, expected text'],
    );
  });

  it('reports a value of the wrong type', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.services[0].durationMinutes = 'forty-five')),
      ['services[0].durationMinutes: expected a number, got "forty-five"'],
    );
  });

  it('reports a number out of range', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.services[2].durationMinutes = 0)),
      ['services[2].durationMinutes: expected a number > 0'],
    );
  });

  it('reports a fractional number where whole minutes are expected', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.services[1].bufferAfterMinutes = 7.5)),
      ['services[1].bufferAfterMinutes: expected a whole number, got 7.5'],
    );
  });

  it('reports a time zone that is not an IANA zone', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.timeZone = 'Mars/Base')),
      ['timeZone: expected an IANA time zone like America/New_York, got "Mars/Base"'],
    );
  });

  it('reports a phone number that is not in international format', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.phoneNumbers = ['+12125550100', '212-555-0101'])),
      ['phoneNumbers[1]: expected a phone number in international format like +12125550123, got "212-555-0101"'],
    );
  });

  it('reports a phone number listed twice', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.phoneNumbers = ['+12125550100', '+1 212 555 0100'])),
      ['phoneNumbers[1]: duplicate number +12125550100, already listed as phoneNumbers[0]'],
    );
  });

  it('accepts spaced phone numbers and stores them in E.164', async () => {
    const file = await writeBusiness((content) => (content.phoneNumbers = ['+1 (212) 555-0100']));
    assert.deepEqual(loadBusinesses(file)[0]?.phoneNumbers, ['+12125550100']);
  });

  it('reports a time that is not HH:MM', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.weeklyHours.monday.open = '9am')),
      ['weeklyHours.monday.open: expected a time as HH:MM (24-hour clock), got "9am"'],
    );
  });

  it('reports closing time before opening time', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.weeklyHours.monday.close = '08:00')),
      ['weeklyHours.monday.close: expected a time after open (09:00), got "08:00"'],
    );
  });

  it('reports a break outside opening hours', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.weeklyHours.monday.breaks = [{ start: '16:30', end: '17:30' }])),
      ['weeklyHours.monday.breaks[0]: expected a break within opening hours 09:00-17:00, got 16:30-17:30'],
    );
  });

  it('reports overlapping breaks and a break that ends before it starts', async () => {
    assert.deepEqual(
      await problemsWith(
        (file) =>
          (file.weeklyHours.monday.breaks = [
            { start: '12:00', end: '13:00' },
            { start: '12:30', end: '13:30' },
            { start: '15:00', end: '14:45' },
          ]),
      ),
      [
        'weeklyHours.monday.breaks[1]: 12:30-13:30 overlaps breaks[0] (12:00-13:00); breaks must not overlap',
        'weeklyHours.monday.breaks[2].end: expected a time after start (15:00), got "14:45"',
      ],
    );
  });

  it('reports a day that is neither "closed" nor opening hours', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.weeklyHours.sunday = 'closd')),
      ['weeklyHours.sunday: expected "closed" or hours like { open: "09:00", close: "17:30" }, got "closd"'],
    );
  });

  it('reports a week with no opening hours at all', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.weeklyHours = { sunday: 'closed' })),
      ['weeklyHours: every day is closed; expected opening hours on at least one day'],
    );
  });

  it('reports a service that refers to an unknown staff member', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.services[1].staff = ['maria'])),
      ['services[1].staff[0]: unknown staff id "maria" (known: anna, ben)'],
    );
  });

  it('reports a staff member who refers to an unknown service', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.staff[0].services = ['blow-dry', 'perm'])),
      ['staff[0].services[1]: unknown service id "perm" (known: womens-cut, mens-cut, blow-dry)'],
    );
  });

  it('reports a service nobody can do', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.staff[0].services = [])),
      [
        'services[2]: no staff member can do "blow-dry"; expected staff ids under services[2].staff, or "blow-dry" in a staff member\'s services',
      ],
    );
  });

  it('reports duplicate ids', async () => {
    assert.deepEqual(
      await problemsWith((file) => {
        file.services[1].id = 'womens-cut';
        file.staff[1].id = 'anna';
        file.services[1].staff = ['anna'];
        file.faq = [
          { id: 'parking', question: 'Parking?', answer: 'On the street.' },
          { id: 'parking', question: 'Where do I park?', answer: 'On the street.' },
        ];
      }),
      [
        'services[1].id: duplicate id "womens-cut", already used by services[0]',
        'staff[1].id: duplicate id "anna", already used by staff[0]',
        'faq[1].id: duplicate id "parking", already used by faq[0]',
      ],
    );
  });

  it('reports an id that is not lowercase letters, digits and dashes', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.staff[1].id = 'Ben')),
      [
        'staff[1].id: expected an id of lowercase letters, digits and dashes like "anna", got "Ben"',
        'services[1].staff[0]: unknown staff id "ben" (known: anna, Ben)',
      ],
    );
  });

  it('reports an unknown key and suggests the key that was meant', async () => {
    assert.deepEqual(
      await problemsWith((file) => {
        file.weeklyHours.monday.brakes = file.weeklyHours.monday.breaks;
        delete file.weeklyHours.monday.breaks;
      }),
      ['weeklyHours.monday: unknown key "brakes" (did you mean "breaks"?)'],
    );
  });

  it('reports a misspelt required key as both unknown and missing', async () => {
    assert.deepEqual(
      await problemsWith((file) => {
        file.services[0].durationMinute = file.services[0].durationMinutes;
        delete file.services[0].durationMinutes;
      }),
      [
        'services[0].durationMinutes: required, expected a number',
        'services[0]: unknown key "durationMinute" (did you mean "durationMinutes"?)',
      ],
    );
  });

  it('lists the allowed keys when an unknown key resembles none', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.bookingRules = { depositPercent: 20 })),
      [
        'bookingRules: unknown key "depositPercent" (allowed: minimumNoticeMinutes, horizonDays, slotIntervalMinutes, cancellationNoticeHours, reminderLeadHours)',
      ],
    );
  });

  it('reports a date in closures that is not on the calendar', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.closures = [{ date: '2026-02-30' }, { date: '25/12/2026' }])),
      [
        'closures[0].date: expected a real date as YYYY-MM-DD, got "2026-02-30"',
        'closures[1].date: expected a real date as YYYY-MM-DD, got "25/12/2026"',
      ],
    );
  });

  it('reports a closure range that ends before it starts, or has no end', async () => {
    assert.deepEqual(
      await problemsWith(
        (file) =>
          (file.closures = [
            { from: '2026-12-26', to: '2026-12-24' },
            { from: '2026-12-31' },
            { from: '31/12/2026', to: '2027-01-01' },
          ]),
      ),
      [
        'closures[0].to: expected a date on or after from (2026-12-26), got "2026-12-24"',
        'closures[1].to: required, expected a real date as YYYY-MM-DD',
        'closures[2].from: expected a real date as YYYY-MM-DD, got "31/12/2026"',
      ],
    );
  });

  it('reports a date override on a day a closure already shuts, and one date overridden twice', async () => {
    assert.deepEqual(
      await problemsWith(
        (file) =>
          (file.dateOverrides = [
            { date: '2026-12-25', open: '10:00', close: '14:00' },
            { date: '2026-12-31', closed: true },
            { date: '2026-12-31', open: '10:00', close: '14:00' },
          ]),
      ),
      [
        'dateOverrides[2].date: duplicate date 2026-12-31, already in dateOverrides[1]',
        'dateOverrides[0].date: 2026-12-25 falls in closures[0], and a closure wins; remove the override or shorten the closure',
      ],
    );
  });

  it('reports special hours that close before they open', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.dateOverrides = [{ date: '2026-12-24', open: '14:00', close: '10:00' }])),
      ['dateOverrides[0].close: expected a time after open (14:00), got "10:00"'],
    );
  });

  it('reports a price in an unknown currency', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.services[0].price = { amount: 85, currency: 'usd' })),
      ['services[0].price.currency: expected a three-letter currency code like USD or GBP, got "usd"'],
    );
  });

  it('reports a locale Twilio cannot speak', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.locale = 'english')),
      ['locale: expected a language and region like en-US or en-GB, got "english"'],
    );
  });

  it('reports a forwarding number that would ring the receptionist again', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.forwardingNumber = '+1 212 555 0100')),
      ["forwardingNumber: +12125550100 is this business's own phoneNumbers[0]; transfers would ring the receptionist again"],
    );
  });

  it('reports WhatsApp templates that are not Content SIDs, or have no sender', async () => {
    assert.deepEqual(
      await problemsWith((file) => (file.messaging = { whatsappTemplates: { reminder: 'booking_reminder' } })),
      [
        'messaging.whatsappTemplates.reminder: expected a Twilio Content SID: HX followed by 32 hex digits, got "booking_reminder"',
        'messaging.whatsappFrom: required when whatsappTemplates are set, expected the WhatsApp sender number like +12125550123',
      ],
    );
  });

  it('reports every problem of a file at once', async () => {
    const problems = await problemsWith((file) => {
      file.timeZone = 'Mars/Base';
      file.services[2].durationMinutes = 0;
      file.services[1].staff = ['maria'];
      delete file.greeting;
    });
    assert.deepEqual(problems.toSorted(), [
      'greeting: required, expected text',
      'services[1].staff[0]: unknown staff id "maria" (known: anna, ben)',
      'services[2].durationMinutes: expected a number > 0',
      'timeZone: expected an IANA time zone like America/New_York, got "Mars/Base"',
    ]);
  });

  it('reports a file that is not a mapping of keys', async () => {
    const file = join(folder, 'list.yaml');
    await writeFile(file, '- id: test-salon\n');
    assert.deepEqual(catchConfigError(() => loadBusinesses(file)).problems, [`${file}: expected a mapping, got a list`]);
  });
});

function catchConfigError(load: () => unknown): BusinessConfigError {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof BusinessConfigError, `expected a BusinessConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected loading to fail');
}
