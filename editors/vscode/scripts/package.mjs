// Builds the .vsix: `node scripts/package.mjs` for this machine's target (npm run package),
// `--all` for every target and the universal one (npm run package:all), or the targets named.
// Each build runs vsce, whose vscode:prepublish builds dist/ and bundles that target's server.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_TARGETS, hostTarget, vsixName } from './targets.mjs';

const extension = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(join(extension, 'package.json'), 'utf8'));
const named = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
// this machine's target last, so bundled/ is left as the tests (and a debug session) expect
const byHostLast = (list) => [...list.filter((t) => t !== hostTarget()), ...list.filter((t) => t === hostTarget())];
const targets = byHostLast(process.argv.includes('--all') ? ALL_TARGETS : named.length ? named : [hostTarget()]);
const vsce = join(extension, 'node_modules', '@vscode', 'vsce', 'vsce');

for (const target of targets) {
  if (!ALL_TARGETS.includes(target)) {
    throw new Error(`unknown target ${target}; one of ${ALL_TARGETS.join(', ')}`);
  }
  const output = vsixName(name, version, target);
  execFileSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', ...(target === 'universal' ? [] : ['--target', target]), '--out', output],
    { cwd: extension, stdio: 'inherit', env: { ...process.env, GLOSSARY_LSP_VSIX_TARGET: target } },
  );
  const size = statSync(join(extension, output)).size;
  console.log(`${output}: ${(size / 1024 / 1024).toFixed(2)} MB (${size} bytes)`);
}
