import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { MediaStreamLogger } from '../../media-streams/logger.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'media-streams');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(folder, entry.name)) : entry.name.endsWith('.ts') ? [join(folder, entry.name)] : [],
  );
}

describe('media-streams boundaries', () => {
  it('imports nothing from src/ (DESIGN §2: the transport knows nothing of bookings)', () => {
    const files = sourceFiles(root);
    assert.ok(files.length >= 8, 'found the transport sources');
    const offenders = files.filter((file) => /from\s+['"][^'"]*\/src\/|import\(\s*['"][^'"]*\/src\//.test(readFileSync(file, 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('keeps every module short (STYLE: a file over ~300 lines asks to be split)', () => {
    for (const file of sourceFiles(root)) {
      const lines = readFileSync(file, 'utf8').split('\n').length;
      assert.ok(lines <= 320, `${file} has ${lines} lines`);
    }
  });

  it('takes the app pino logger as its logger', () => {
    const logger: MediaStreamLogger = pino({ level: 'silent' });
    logger.warn({ callSid: 'CA1' }, 'typed and callable');
  });
});
