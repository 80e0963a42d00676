// Puts the server into bundled/ for the .vsix target in $GLOSSARY_LSP_VSIX_TARGET (default: this
// machine's), with scripts/bundle_server.py run by $GLOSSARY_LSP_PYTHON, else python3. For this
// machine's target it then checks that the bundle loads in that Python alone (no site-packages).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostTarget } from './targets.mjs';

const extension = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const python = process.env.GLOSSARY_LSP_PYTHON || 'python3';
const target = process.env.GLOSSARY_LSP_VSIX_TARGET || hostTarget();
const pythons = process.env.GLOSSARY_LSP_VSIX_PYTHONS; // e.g. "3.11,3.12"; default 3.10-3.13

execFileSync(
  python,
  [join(extension, 'scripts', 'bundle_server.py'), target, ...(pythons ? ['--pythons', pythons] : [])],
  { stdio: 'inherit' },
);
if (target === hostTarget() && existsSync(join(extension, 'bundled', 'bundle.json'))) {
  const check = spawnSync(python, ['-B', '-I', '-S', join(extension, 'bundled', 'start.py'), '--check'], {
    encoding: 'utf8',
  });
  if (check.status !== 0) {
    throw new Error(`the bundle does not load in ${python}: ${check.stderr}`);
  }
}
