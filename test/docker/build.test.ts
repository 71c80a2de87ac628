import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('the production build (tsconfig.build.json)', () => {
  it('compiles nothing from test/ or bench/, which the Docker context leaves out', async () => {
    const { stdout } = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--listFilesOnly']);
    const ours = stdout.split('\n').filter((file) => file.startsWith(process.cwd()) && !file.includes('/node_modules/'));
    assert.ok(ours.some((file) => file.endsWith('/src/main.ts')), 'the build includes src/main.ts');
    const outside = ours.filter((file) => /\/(test|bench)\//.test(file.slice(process.cwd().length)));
    assert.deepEqual(outside, []);
  });
});
