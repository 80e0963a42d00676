/**
 * The server the .vsix carries (bundled/start.py, bundled/libs and one bundled/cp3XY per CPython
 * version it was built for) and the Python that runs it. Pure: no `vscode` import, unit-tested
 * in plain Node.
 */
import type { Platform } from './discovery';

export const MIN_PYTHON: [number, number] = [3, 10];
export const PYPI_PACKAGE = 'glossary-lsp';

export type Bundle = {
  /** The script that puts the bundle first on sys.path and runs the server. */
  starter: string;
  /** glossary_lsp's version in the bundle. */
  version: string;
  /** The `vsce --target` it was built for, e.g. linux-x64. */
  target: string;
  /** The CPython minor versions it has compiled libraries for, e.g. ["3.10", "3.11"]. */
  pythons: string[];
};

/** What a Python said about itself; `server` is the version of an installed glossary_lsp. */
export type PythonInfo = {
  version: [number, number, number];
  /** sys.implementation.name; absent means cpython. */
  implementation?: string;
  server?: string;
};

export type Probe = (python: string[]) => Promise<PythonInfo | undefined>;

export type Candidate = { python: string[]; info: PythonInfo };

/** Whether an installed server should be used instead of the bundled one: when not older. */
export function installedIsCurrent(installed: string | undefined, bundled: string): boolean {
  if (!installed) {
    return false;
  }
  return compareVersions(parseVersion(installed), parseVersion(bundled)) >= 0;
}

export function parseVersion(text: string): number[] {
  return text
    .split(/[.+-]/)
    .map((part) => Number.parseInt(part, 10))
    .map((n) => (Number.isNaN(n) ? 0 : n));
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) {
      return Math.sign(difference);
    }
  }
  return 0;
}

export function isNewEnough(info: PythonInfo): boolean {
  return compareVersions(info.version, MIN_PYTHON) >= 0;
}

/** Whether the bundle has compiled libraries for this interpreter (CPython of a listed minor). */
export function bundleRunsOn(bundle: Bundle, info: PythonInfo): boolean {
  const minor = `${info.version[0]}.${info.version[1]}`;
  return (info.implementation ?? 'cpython') === 'cpython' && bundle.pythons.includes(minor);
}

export function describePython(candidate: Candidate): string {
  const name = { cpython: 'Python', pypy: 'PyPy' }[candidate.info.implementation ?? 'cpython'] ?? candidate.info.implementation;
  return `${name} ${candidate.info.version.join('.')} (\`${candidate.python.join(' ')}\`)`;
}

function installPython(platform: Platform): string {
  const needed = `Python ${MIN_PYTHON.join('.')} or newer`;
  return platform === 'win32'
    ? `Install ${needed} (from python.org, or \`winget install Python.Python.3.12\`; tick "Add python.exe to PATH")`
    : `Install ${needed} (e.g. \`sudo apt install python3\`, \`brew install python\`, or from python.org)`;
}

function pipInstall(python: string[] | undefined, platform: Platform): string {
  const program = python?.length ? python.map(quoteIfNeeded).join(' ') : platform === 'win32' ? 'py -3' : 'python3';
  return `\`${program} -m pip install ${PYPI_PACKAGE}\``;
}

function quoteIfNeeded(part: string): string {
  return /[\s"']/.test(part) ? JSON.stringify(part) : part;
}

const RESTART = 'run "Glossary: Restart Server"';
const OR_SETTING = 'or point the setting "glossaryLsp.server.command" at a server';

/** No Python ≥ 3.10 at all: what was found (too old ones) and what to install. */
export function noPythonMessage(tooOld: Candidate[], platform: Platform): string {
  const needed = `Python ${MIN_PYTHON.join('.')} or newer`;
  const found = tooOld.length
    ? ` Found only ${tooOld.map(describePython).join(', ')}, which is too old.`
    : platform === 'win32'
      ? ' No Python was found (looked for the Python extension\'s interpreter, a workspace .venv, python.exe on PATH and the py launcher).'
      : ' No Python was found (looked for the Python extension\'s interpreter, a workspace .venv, and python3 on PATH and on the login shell\'s PATH).';
  return `Glossary: the language server needs ${needed}.${found} ${installPython(platform)} and ${RESTART}, ${OR_SETTING}.`;
}

/** Pythons ≥ 3.10 were found, but none the bundle was built for (another minor, PyPy). */
export function unsupportedPythonMessage(bundle: Bundle, found: Candidate[], platform: Platform): string {
  const first = found[0];
  return (
    `Glossary: the language server this extension carries is built for CPython ${bundle.pythons.join(', ')} on ${bundle.target}, ` +
    `and the Python found is ${found.map(describePython).join(', ')}. Install the server into it with ` +
    `${pipInstall(first?.python, platform)} and ${RESTART}, or install Python ${bundle.pythons.join('/')}, ${OR_SETTING}.`
  );
}

/** A build without a bundled server (the universal .vsix), and no installed server found. */
export function noServerMessage(python: string[] | undefined, platform: Platform): string {
  return (
    'Glossary: no glossary-lsp language server was found, and this build of the extension carries none for this platform. ' +
    `Install it with ${pipInstall(python, platform)} (Python ${MIN_PYTHON.join('.')} or newer) and ${RESTART}, ${OR_SETTING}.`
  );
}

/** The bundle was chosen but did not start; `reason` is start.py's own line when it gave one. */
export function bundleFailureMessage(command: string, reason: string, python: string[], platform: Platform): string {
  return (
    `Glossary: the language server the extension carries did not start with \`${command}\`${reason ? `: ${reason.replace(/^glossary-lsp: /, '')}` : ''}. ` +
    `If its files are damaged, reinstall the extension; or install the server with ${pipInstall(python, platform)} and ${RESTART}, ${OR_SETTING}. ` +
    '"Glossary: Show Output" has the server\'s own error.'
  );
}
