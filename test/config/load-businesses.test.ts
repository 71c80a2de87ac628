import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { BusinessConfigError, loadBusinesses } from '../../src/config/load-businesses.js';

const examples = 'config/businesses';

describe('loadBusinesses', () => {
  let root: string;
  let folders = 0;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'frontdesk-load-businesses-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  /** A fresh folder holding `files` (name → text). */
  async function folderWith(files: Record<string, string>): Promise<string> {
    const folder = join(root, `folder-${++folders}`);
    await mkdir(folder);
    for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text);
    return folder;
  }

  async function example(name: 'salon' | 'dental'): Promise<string> {
    return readFile(join(examples, `${name}.yaml`), 'utf8');
  }

  describe('the example businesses', () => {
    it('load from the examples folder in name order', () => {
      const businesses = loadBusinesses(examples);
      assert.deepEqual(
        businesses.map((business) => business.id),
        ['riverside-dental', 'bella-hair-studio'],
      );
    });

    it('describe a New York salon and a London dental practice', () => {
      const [dental, salon] = loadBusinesses(examples);
      assert.equal(salon?.timeZone, 'America/New_York');
      assert.equal(salon?.locale, 'en-US');
      assert.equal(salon?.weeklyHours.sunday, 'closed');
      assert.ok(salon?.services.some((service) => service.synonyms.includes('trim')));
      assert.equal(dental?.timeZone, 'Europe/London');
      assert.equal(dental?.locale, 'en-GB');
      assert.ok(dental?.recordingNotice);
      assert.ok(dental?.closures.some((closure) => 'date' in closure && closure.date === '2027-03-26'), 'Good Friday 2027');
    });

    it('merge both sides of the staff/service relation and fill in staff hours', () => {
      const salon = loadBusinesses(join(examples, 'salon.yaml'))[0];
      const highlights = salon?.services.find((service) => service.id === 'highlights');
      const anna = salon?.staff.find((member) => member.id === 'anna');
      const chloe = salon?.staff.find((member) => member.id === 'chloe');
      assert.deepEqual(highlights?.staff, ['anna'], 'listed on the service only');
      assert.ok(anna?.services.includes('highlights'), "the service's list reaches the staff member");
      assert.deepEqual(salon?.services.find((service) => service.id === 'womens-cut')?.staff, ['anna', 'ben', 'chloe']);
      assert.equal(anna?.hours.monday, 'closed', "a day left out of Anna's hours is her day off");
      assert.deepEqual(chloe?.hours, salon?.weeklyHours, 'without hours Chloe works the salon hours');
    });

    it('are deeply frozen', () => {
      const [business] = loadBusinesses(examples);
      assert.ok(business);
      assert.throws(() => {
        (business as { name: string }).name = 'changed';
      }, TypeError);
      assert.throws(() => business.services.push(business.services[0]!), TypeError);
      assert.throws(() => {
        (business.bookingRules as { horizonDays: number }).horizonDays = 1;
      }, TypeError);
    });
  });

  describe('files and folders', () => {
    it('loads a single file given directly', async () => {
      const folder = await folderWith({ 'salon.yaml': await example('salon') });
      assert.deepEqual(
        loadBusinesses(join(folder, 'salon.yaml')).map((business) => business.id),
        ['bella-hair-studio'],
      );
    });

    it('reads *.yaml, *.yml and *.json in name order and ignores other files', async () => {
      const salon = parse(await example('salon'));
      const dental = parse(await example('dental'));
      const folder = await folderWith({
        'b-salon.json': JSON.stringify(salon),
        'a-dental.yml': stringify(dental),
        'README.md': '# not a business',
      });
      assert.deepEqual(
        loadBusinesses(folder).map((business) => business.id),
        ['riverside-dental', 'bella-hair-studio'],
      );
    });

    it('rejects an empty folder, saying what it expected', async () => {
      const folder = await folderWith({ 'notes.txt': 'nothing here' });
      assert.throws(() => loadBusinesses(folder), {
        name: 'BusinessConfigError',
        problems: [`${folder}: no business files in this folder; expected a business file (*.yaml, *.yml, *.json) or a folder of them`],
      });
    });

    it('rejects a path that does not exist', () => {
      const missing = join(root, 'no-such-folder');
      assert.throws(() => loadBusinesses(missing), {
        name: 'BusinessConfigError',
        problems: [`${missing}: not found; expected a business file (*.yaml, *.yml, *.json) or a folder of them`],
      });
    });

    it('rejects an empty file', async () => {
      const folder = await folderWith({ 'empty.yaml': '# nothing yet\n' });
      assert.throws(() => loadBusinesses(folder), {
        problems: [
          `${join(folder, 'empty.yaml')}: the file is empty; expected a business with id, name, phoneNumbers, timeZone, address, weeklyHours, services, staff and greeting`,
        ],
      });
    });
  });

  describe('syntax errors', () => {
    it('gives the file, line and column of a YAML syntax error', async () => {
      const broken = (await example('salon')).replace('  sunday: closed\n', '  sunday: closed\n   saturday: closed\n');
      const folder = await folderWith({ 'salon.yaml': broken });
      // yaml reads the misindented line as the rest of sunday's value, so it points at sunday.
      const line = broken.split('\n').indexOf('  sunday: closed') + 1;
      assert.throws(() => loadBusinesses(folder), {
        problems: [
          `${join(folder, 'salon.yaml')}: line ${line}, column 11: YAML syntax error: Nested mappings are not allowed in compact mappings; check the indentation here and on the lines below`,
        ],
      });
    });

    it('names a key written twice', async () => {
      const folder = await folderWith({ 'salon.yaml': `${await example('salon')}\ngreeting: Hi there!\n` });
      const text = await readFile(join(folder, 'salon.yaml'), 'utf8');
      const line = text.split('\n').lastIndexOf('greeting: Hi there!') + 1;
      assert.throws(() => loadBusinesses(folder), {
        problems: [`${join(folder, 'salon.yaml')}: line ${line}, column 1: YAML syntax error: key "greeting" appears twice in the same mapping`],
      });
    });

    it('names the file of a JSON syntax error', async () => {
      const folder = await folderWith({ 'salon.json': '{ "id": "bella-hair-studio", }' });
      assert.throws(() => loadBusinesses(folder), {
        problems: [
          `${join(folder, 'salon.json')}: JSON syntax error: Expected double-quoted property name in JSON at position 29 (line 1 column 30)`,
        ],
      });
    });
  });

  describe('checks across files', () => {
    it('rejects a phone number that routes to two businesses, naming both files', async () => {
      const copy = parse(await example('salon'));
      copy.id = 'bella-hair-studio-2';
      copy.messaging = {};
      const folder = await folderWith({ 'a.yaml': await example('salon'), 'b.yaml': stringify(copy) });
      assert.throws(() => loadBusinesses(folder), {
        problems: [
          `${join(folder, 'b.yaml')}: phoneNumbers[0]: +17185550142 already routes to "bella-hair-studio" in ${join(folder, 'a.yaml')}; a number may route to only one business`,
        ],
      });
    });

    it("rejects a messaging number that is another business's phone number", async () => {
      const dental = parse(await example('dental'));
      dental.messaging.whatsappFrom = '+1 718 555 0142';
      const folder = await folderWith({ 'a.yaml': await example('salon'), 'b.yaml': stringify(dental) });
      assert.throws(() => loadBusinesses(folder), {
        problems: [
          `${join(folder, 'b.yaml')}: messaging.whatsappFrom: +17185550142 already routes to "bella-hair-studio" in ${join(folder, 'a.yaml')}; a number may route to only one business`,
        ],
      });
    });

    it('rejects a business id used by two files', async () => {
      const dental = parse(await example('dental'));
      dental.id = 'bella-hair-studio';
      const folder = await folderWith({ 'a.yaml': await example('salon'), 'b.yaml': stringify(dental) });
      assert.throws(() => loadBusinesses(folder), {
        problems: [`${join(folder, 'b.yaml')}: id: business id "bella-hair-studio" is already used by ${join(folder, 'a.yaml')}`],
      });
    });

    it('reports the problems of every file in one error', async () => {
      const folder = await folderWith({ 'a.yaml': 'id: [\n', 'b.yaml': (await example('dental')).replace('Europe/London', 'Europe/Londn') });
      try {
        loadBusinesses(folder);
        assert.fail('expected loading to fail');
      } catch (error) {
        assert.ok(error instanceof BusinessConfigError);
        assert.equal(error.problems.length, 2);
        assert.match(error.problems[0]!, /a\.yaml: line 2, column 1: YAML syntax error: /);
        assert.equal(error.problems[1], `${join(folder, 'b.yaml')}: timeZone: expected an IANA time zone like America/New_York, got "Europe/Londn"`);
        assert.equal(error.message, `invalid business configuration:\n${error.problems.join('\n')}`);
      }
    });

    it('accepts the same number as voice and messaging number of one business', async () => {
      const folder = await folderWith({});
      await copyFile(join(examples, 'salon.yaml'), join(folder, 'salon.yaml'));
      const [salon] = loadBusinesses(folder);
      assert.equal(salon?.messaging.smsFrom, salon?.phoneNumbers[0]);
    });
  });
});
