import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canImportServer } from '../src/pythonProbe';
import { testPython } from './support/serverProcess';

test('a Python with glossary_lsp installed can import it', async () => {
  assert.equal(await canImportServer([testPython()]), true);
});

test('a Python without it, a failing program or a missing one cannot', async () => {
  // -I ignores site-packages' path tweaks and PYTHONPATH; -S drops site-packages entirely.
  assert.equal(await canImportServer([testPython(), '-I', '-S']), false);
  assert.equal(await canImportServer(['sh', '-c', 'exit 3', 'sh']), false);
  assert.equal(await canImportServer(['/nonexistent/python']), false);
});
