// Puts the server into bundled/libs for the .vsix: glossary_lsp (from this repository) and its
// dependencies, installed with pip, then without the compiled modules that have a pure-Python
// fallback (rapidfuzz, PyYAML, ahocorasick-rs). pyromark (prose detection) has none: its compiled
// module stays, so the .vsix serves the platform and Python version it was built with (an
// installed glossary_lsp or glossaryLsp.server.command serves the others). Writes bundled/VERSION.
// Uses $GLOSSARY_LSP_PYTHON, else python3.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const extension = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repository = resolve(extension, '..', '..');
const libs = join(extension, 'bundled', 'libs');
const python = process.env.GLOSSARY_LSP_PYTHON || 'python3';
// Needed by the dependencies on the oldest supported Python (3.10) only; pure Python.
const FOR_OLDER_PYTHONS = ['exceptiongroup', 'typing_extensions'];

function pip(...args) {
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-compile', '--target', libs, ...args], {
    stdio: 'inherit',
  });
}

// Packages whose compiled module has no pure-Python fallback.
const KEEP_COMPILED = new Set(['pyromark']);

function removeCompiled(folder) {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      if (folder === libs && KEEP_COMPILED.has(name)) {
        continue;
      }
      if (name === '__pycache__') {
        rmSync(path, { recursive: true, force: true });
      } else {
        removeCompiled(path);
      }
    } else if (/\.(so|pyd|dylib)$/.test(name) || /\.so\./.test(name)) {
      rmSync(path);
    }
  }
}

rmSync(libs, { recursive: true, force: true });
pip(repository);
pip('--no-deps', '--upgrade', ...FOR_OLDER_PYTHONS);
rmSync(join(libs, 'bin'), { recursive: true, force: true });
removeCompiled(libs);
const version = /__version__ = "([^"]+)"/.exec(readFileSync(join(libs, 'glossary_lsp', '__init__.py'), 'utf8'))?.[1];
if (!version) {
  throw new Error('no __version__ in bundled/libs/glossary_lsp/__init__.py');
}
writeFileSync(join(extension, 'bundled', 'VERSION'), `${version}\n`);
// The bundle must start without the compiled modules it dropped.
execFileSync(python, ['-B', '-I', '-S', join(extension, 'bundled', 'start.py'), '--help'], { stdio: 'ignore' });
console.log(`bundled glossary_lsp ${version} into ${libs}`);
