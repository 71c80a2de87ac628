import assert from 'node:assert/strict';

describe('toolchain', () => {
  it('runs on Node 22 or newer', () => {
    const major = Number(process.versions.node.split('.')[0]);
    assert.ok(major >= 22, `expected Node >= 22, running ${process.version}`);
  });
});
