/** The packaged .vsix (built by `npm run package` before the tests) holds the bundle, no sources. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EXTENSION_ROOT, manifest } from './support/packageJson';
import { zipEntryNames } from './support/zip';

/** The target `npm run package` builds here (scripts/targets.mjs). */
function hostTarget(): string {
  const target = `${process.platform}-${process.arch}`;
  return ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'].includes(target) ? target : 'universal';
}

describe('the packaged extension', () => {
  const { name, version } = manifest();
  const target = hostTarget();
  const vsix = join(EXTENSION_ROOT, target === 'universal' ? `${name}-${version}.vsix` : `${name}-${target}-${version}.vsix`);

  test('exists (run `npm run package` first)', () => {
    assert.ok(existsSync(vsix), `${vsix} is missing`);
  });

  test('contains the bundled extension, its manifest and its README', () => {
    const entries = zipEntryNames(vsix);
    assert.ok(entries.includes('extension/dist/extension.js'), entries.join('\n'));
    assert.ok(entries.includes('extension/package.json'), entries.join('\n'));
    // vsce stores the README as extension/readme.md whatever its case in the repository.
    assert.ok(
      entries.some((entry) => entry.toLowerCase() === 'extension/readme.md'),
      entries.join('\n'),
    );
    assert.ok(entries.includes('extension.vsixmanifest'), entries.join('\n'));
  });

  test('carries what a marketplace and Open VSX show: icon, changelog, licence', () => {
    const entries = zipEntryNames(vsix).map((entry) => entry.toLowerCase());
    for (const wanted of ['extension/images/icon.png', 'extension/changelog.md', 'extension/license.txt']) {
      assert.ok(entries.includes(wanted), `${wanted} missing from:\n${entries.join('\n')}`);
    }
    const { icon, license, categories, repository, bugs, homepage } = manifest() as unknown as Record<string, unknown>;
    assert.equal(icon, 'images/icon.png');
    assert.equal(license, 'MIT');
    assert.ok(Array.isArray(categories) && categories.includes('Education'));
    assert.match((repository as { url: string }).url, /^https:\/\/github\.com\/.+\.git$/);
    assert.match((bugs as { url: string }).url, /\/issues$/);
    assert.match(String(homepage), /^https:\/\//);
  });

  test('leaves out node_modules, TypeScript sources, tests and build output', () => {
    const unwanted = zipEntryNames(vsix).filter(
      (entry) =>
        entry.includes('node_modules/') ||
        entry.startsWith('extension/src/') ||
        entry.startsWith('extension/test/') ||
        entry.startsWith('extension/out/') ||
        (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) ||
        entry.endsWith('.vsix') ||
        entry.endsWith('.map'),
    );
    assert.deepEqual(unwanted, []);
  });

  test('carries the server: start.py, bundle.json, the shared pure-Python libs, one compiled folder per CPython', { skip: target === 'universal' }, () => {
    const entries = zipEntryNames(vsix);
    const wanted = [
      'extension/bundled/start.py',
      'extension/bundled/bundle.json',
      'extension/bundled/libs/glossary_lsp/lsp/server.py',
      'extension/bundled/libs/glossary_lsp/data/glossary.yaml',
      'extension/bundled/libs/pygls/__init__.py',
      'extension/bundled/libs/rapidfuzz/fuzz_py.py',
      'extension/bundled/libs/yaml/__init__.py',
    ];
    for (const python of ['310', '311', '312', '313']) {
      wanted.push(`extension/bundled/cp${python}/pyromark/__init__.py`, `extension/bundled/cp${python}/ahocorasick_rs/__init__.py`);
    }
    for (const entry of wanted) {
      assert.ok(entries.includes(entry), `${entry} missing`);
    }
    const compiled = entries.filter((entry) => /\.(so|pyd|dylib)$|__pycache__/.test(entry));
    // pyromark (prose detection) has no pure-Python fallback; ahocorasick-rs is small and much
    // faster than its fallback; rapidfuzz and PyYAML run their Python code
    assert.deepEqual(
      compiled.filter((entry) => !/^extension\/bundled\/cp31\d\/(pyromark|ahocorasick_rs)\//.test(entry)),
      [],
    );
    assert.ok(compiled.length >= 8, compiled.join('\n'));
  });

  test('its manifest points at the bundled entry point', () => {
    assert.equal(manifest().main, './dist/extension.js');
  });
});
