/**
 * The server the .vsix carries (bundled/start.py + bundled/libs) and the Python that runs it:
 * the Python extension's interpreter, else the first `python3` ≥ 3.10 on PATH (the extension
 * host's, then the login shell's). Pure: no `vscode` import, unit-tested in plain Node.
 */

export const MIN_PYTHON: [number, number] = [3, 10];

export type Bundle = {
  /** The script that puts bundled/libs first on sys.path and runs the server. */
  starter: string;
  /** glossary_lsp's version in bundled/libs. */
  version: string;
};

/** What a Python said about itself; `server` is the version of an installed glossary_lsp. */
export type PythonInfo = { version: [number, number, number]; server?: string };

export type Probe = (python: string[]) => Promise<PythonInfo | undefined>;

export type PythonChoice =
  | { kind: 'found'; python: string[]; info: PythonInfo }
  | { kind: 'none'; tooOld: { python: string[]; version: string }[]; looked: string[][] };

/** The first candidate that runs and is new enough; the too old ones are kept for the message. */
export async function choosePython(candidates: string[][], probe: Probe): Promise<PythonChoice> {
  const tooOld: { python: string[]; version: string }[] = [];
  const seen = new Set<string>();
  const looked: string[][] = [];
  for (const python of candidates) {
    const key = JSON.stringify(python);
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    looked.push(python);
    const info = await probe(python);
    if (!info) {
      continue;
    }
    if (compareVersions(info.version, MIN_PYTHON) < 0) {
      tooOld.push({ python, version: info.version.join('.') });
      continue;
    }
    return { kind: 'found', python, info };
  }
  return { kind: 'none', tooOld, looked };
}

/** Whether an installed server should be used instead of the bundled one: only when newer. */
export function installedIsNewer(installed: string | undefined, bundled: string): boolean {
  if (!installed) {
    return false;
  }
  return compareVersions(parseVersion(installed), parseVersion(bundled)) > 0;
}

export function parseVersion(text: string): number[] {
  return text.split(/[.+-]/).map((part) => Number.parseInt(part, 10)).map((n) => (Number.isNaN(n) ? 0 : n));
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

/** The message when no Python can run the bundled server: what was found and what to install. */
export function noPythonMessage(choice: Extract<PythonChoice, { kind: 'none' }>): string {
  const needed = `Python ${MIN_PYTHON.join('.')} or newer`;
  const found = choice.tooOld.length
    ? ` Found only ${choice.tooOld.map((old) => `Python ${old.version} (\`${old.python.join(' ')}\`)`).join(', ')}, which is too old.`
    : ' No Python was found (looked for the Python extension\'s interpreter and `python3` on PATH and on the login shell\'s PATH).';
  return (
    `Glossary: the language server needs ${needed}.${found} ` +
    `Install ${needed} (e.g. \`sudo apt install python3\`, \`brew install python\`, or from python.org) ` +
    'and run "Glossary: Restart Server", or point the setting "glossaryLsp.server.command" at a server.'
  );
}

/** PATH entries, in order, without duplicates: the extension host's, then the login shell's. */
export function mergePaths(...paths: (string | undefined)[]): string[] {
  const entries: string[] = [];
  for (const path of paths) {
    for (const entry of (path ?? '').split(':')) {
      if (entry && !entries.includes(entry)) {
        entries.push(entry);
      }
    }
  }
  return entries;
}

/** The Python interpreter to try from each PATH folder, in PATH order. */
export function pythonCandidates(
  pathEntries: string[],
  isExecutable: (path: string) => boolean,
  names: string[] = ['python3', 'python'],
): string[][] {
  const found: string[][] = [];
  for (const folder of pathEntries) {
    for (const name of names) {
      const candidate = `${folder.replace(/\/+$/, '')}/${name}`;
      if (isExecutable(candidate)) {
        found.push([candidate]);
      }
    }
  }
  return found;
}
