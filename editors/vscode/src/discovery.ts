/**
 * Where to look for a Python and for an installed `glossary-lsp`, on POSIX and on Windows: PATH
 * (`:` or `;`, quoted entries on Windows), a workspace's virtual environment (`bin/python` or
 * `Scripts\python.exe`), the Windows `py -3` launcher. Pure: the file system comes in as
 * `exists`, so it is unit-tested on any machine.
 */
import { posix, win32 } from 'node:path';

export type Platform = 'posix' | 'win32';

export function platformOf(platform: NodeJS.Platform = process.platform): Platform {
  return platform === 'win32' ? 'win32' : 'posix';
}

const paths = { posix, win32 };

/** A PATH value's folders, in order: `;`-separated on Windows, where entries may be quoted. */
export function splitPath(value: string | undefined, platform: Platform): string[] {
  return (value ?? '')
    .split(paths[platform].delimiter)
    .map((entry) => (platform === 'win32' ? entry.trim().replace(/^"(.*)"$/, '$1') : entry))
    .filter((entry) => entry !== '');
}

/** PATH folders, in order, without duplicates (case-insensitive on Windows). */
export function mergePaths(platform: Platform, ...values: (string | undefined)[]): string[] {
  const entries: string[] = [];
  const seen = new Set<string>();
  for (const value of values) {
    for (const entry of splitPath(value, platform)) {
      const key = normalized(entry, platform);
      if (!seen.has(key)) {
        seen.add(key);
        entries.push(entry);
      }
    }
  }
  return entries;
}

function normalized(entry: string, platform: Platform): string {
  return platform === 'win32' ? win32.normalize(entry).replace(/\\+$/, '').toLowerCase() : posix.normalize(entry).replace(/\/+$/, '');
}

/** The interpreter of a virtual environment: `bin/python`, or `Scripts\python.exe` on Windows. */
export function venvPython(environment: string, platform: Platform): string {
  return platform === 'win32'
    ? win32.join(environment, 'Scripts', 'python.exe')
    : posix.join(environment, 'bin', 'python');
}

/** The pip-installed console script: `glossary-lsp`, or `glossary-lsp.exe` on Windows. */
export function serverExecutableName(platform: Platform): string {
  return platform === 'win32' ? 'glossary-lsp.exe' : 'glossary-lsp';
}

export type Where = {
  platform: Platform;
  /** PATH folders, in order (the extension host's, then the login shell's on POSIX). */
  pathEntries: string[];
  /** Workspace folders: their `.venv` or `venv` is tried before PATH. */
  workspaceFolders?: string[];
  /** %SystemRoot% and %LOCALAPPDATA%, where Windows keeps the `py` launcher. */
  env?: { SystemRoot?: string; LOCALAPPDATA?: string };
  /** Whether `path` is a file that can be run. */
  exists: (path: string) => boolean;
};

/**
 * The Pythons to try, in order: workspace virtual environments, `python3`/`python` (Windows:
 * `python.exe`, `python3.exe`) in each PATH folder, then on Windows the `py -3` launcher, and
 * last the Microsoft Store's `python.exe` aliases (they open the Store when no Python is there).
 */
export function pythonCandidates(where: Where): string[][] {
  const { platform, exists } = where;
  const join = paths[platform].join;
  const found: string[][] = [];
  const storeAliases: string[][] = [];
  for (const folder of where.workspaceFolders ?? []) {
    for (const environment of ['.venv', 'venv']) {
      const python = venvPython(join(folder, environment), platform);
      if (exists(python)) {
        found.push([python]);
      }
    }
  }
  const names = platform === 'win32' ? ['python.exe', 'python3.exe'] : ['python3', 'python'];
  for (const folder of where.pathEntries) {
    for (const name of names) {
      const python = join(folder, name);
      if (exists(python)) {
        (isStoreAlias(python, platform) ? storeAliases : found).push([python]);
      }
    }
  }
  if (platform === 'win32') {
    const launcher = pyLauncher(where);
    if (launcher) {
      found.push([launcher, '-3']);
    }
  }
  return [...found, ...storeAliases];
}

function isStoreAlias(python: string, platform: Platform): boolean {
  return platform === 'win32' && /\\microsoft\\windowsapps\\/i.test(python);
}

/** `py.exe` on PATH, else where its installer puts it (for all users, or for one). */
export function pyLauncher(where: Where): string | undefined {
  const places = [
    ...where.pathEntries.map((folder) => win32.join(folder, 'py.exe')),
    ...(where.env?.SystemRoot ? [win32.join(where.env.SystemRoot, 'py.exe')] : []),
    ...(where.env?.LOCALAPPDATA
      ? [win32.join(where.env.LOCALAPPDATA, 'Programs', 'Python', 'Launcher', 'py.exe')]
      : []),
  ];
  return places.find((place) => where.exists(place));
}

/** The first `glossary-lsp` (Windows: `glossary-lsp.exe`) in the PATH folders. */
export function serverOnPath(where: Where): string | undefined {
  const name = serverExecutableName(where.platform);
  return where.pathEntries.map((folder) => paths[where.platform].join(folder, name)).find((path) => where.exists(path));
}

/** The version in `glossary-lsp --version`'s output ("glossary-lsp 0.1.0"). */
export function versionFromOutput(output: string): string | undefined {
  return /(\d+(?:\.\d+)+[^\s]*)/.exec(output)?.[1];
}
