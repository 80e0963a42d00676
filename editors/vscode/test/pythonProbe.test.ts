import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { installedServer, probePython } from '../src/pythonProbe';
import { testPython } from './support/serverProcess';

test('a Python with glossary_lsp installed reports its version; without it, none', async () => {
  assert.equal((await probePython([testPython()]))?.server, '0.1.0');
  // -I ignores PYTHONPATH and the user site; -S drops site-packages entirely.
  const bare = await probePython([testPython(), '-I', '-S']);
  assert.ok(bare);
  assert.equal(bare.server, undefined);
  assert.equal(await probePython(['/nonexistent/python']), undefined);
});

test('glossary-lsp on PATH is found and asked its --version', async (t) => {
  if (process.platform === 'win32') {
    t.skip('a POSIX shell script stands in for the server');
    return;
  }
  const folder = mkdtempSync(join(tmpdir(), 'glossary-path-'));
  const saved = process.env.PATH;
  try {
    const script = join(folder, 'glossary-lsp');
    writeFileSync(script, '#!/bin/sh\necho "glossary-lsp 7.3.1"\n');
    chmodSync(script, 0o755);
    process.env.PATH = `${folder}:${saved ?? ''}`;
    assert.deepEqual(await installedServer(), { command: script, version: '7.3.1' });
  } finally {
    process.env.PATH = saved;
    rmSync(folder, { recursive: true, force: true });
  }
});
