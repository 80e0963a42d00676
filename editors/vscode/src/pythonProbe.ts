import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, PythonInfo } from './bundledServer';
import { mergePaths, platformOf, pythonCandidates, serverOnPath, versionFromOutput, type Where } from './discovery';
import type { InstalledServer } from './serverCommand';
import { SERVER_MODULE } from './serverCommand';

const PROBE_TIMEOUT_MS = 15_000;
const LOGIN_SHELL_TIMEOUT_MS = 5_000;

const PROBE_SCRIPT = [
  'import json, sys',
  'try:',
  `    import ${SERVER_MODULE} as s; server = getattr(s, "__version__", "0")`,
  'except Exception:',
  '    server = None',
  'print(json.dumps({"version": list(sys.version_info[:3]), "implementation": sys.implementation.name, "server": server}))',
].join('\n');

/** The interpreter's version and the version of glossary_lsp installed there, if any. */
export async function probePython(python: string[]): Promise<PythonInfo | undefined> {
  const output = await run(python, ['-c', PROBE_SCRIPT]);
  if (output === undefined) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(output.trim().split('\n').pop() ?? '') as {
      version: number[];
      implementation?: string;
      server: string | null;
    };
    const [major, minor, micro] = parsed.version;
    return { version: [major, minor, micro], implementation: parsed.implementation, server: parsed.server ?? undefined };
  } catch {
    return undefined;
  }
}

/** Where to look on this machine: PATH (and the login shell's), the workspace folders. */
async function here(workspaceFolders: string[]): Promise<Where> {
  const platform = platformOf();
  return {
    platform,
    pathEntries: mergePaths(platform, process.env.PATH ?? process.env.Path, await loginShellPath()),
    workspaceFolders,
    env: { SystemRoot: process.env.SystemRoot, LOCALAPPDATA: process.env.LOCALAPPDATA },
    exists: platform === 'win32' ? isFile : isExecutableFile,
  };
}

/** The Pythons to try after the Python extension's: workspace venvs, PATH, the py launcher. */
export async function pathPythons(workspaceFolders: string[] = []): Promise<string[][]> {
  return pythonCandidates(await here(workspaceFolders));
}

/** `glossary-lsp` on PATH and the version its `--version` prints, if it runs. */
export async function installedServer(): Promise<InstalledServer | undefined> {
  const command = serverOnPath(await here([]));
  if (!command) {
    return undefined;
  }
  const version = versionFromOutput((await run([command], ['--version'])) ?? '');
  return version ? { command, version } : undefined;
}

/**
 * Why the bundle cannot start with `python`: start.py's "glossary-lsp: …" line from `--check`,
 * or '' when it loads (the failure was elsewhere).
 */
export function bundleCheck(python: string[], starter: string): Promise<string> {
  const [program, ...prefix] = python;
  return new Promise((resolve) => {
    execFile(program, [...prefix, starter, '--check'], { timeout: PROBE_TIMEOUT_MS, windowsHide: true }, (error, _stdout, stderr) => {
      const line = String(stderr)
        .split(/\r?\n/)
        .find((text) => text.startsWith('glossary-lsp: '));
      resolve(error === null ? '' : line ?? (String(stderr).trim().split(/\r?\n/).pop() || String(error.message)));
    });
  });
}

/** The server in the .vsix, when there is one (bundled/start.py and bundled/bundle.json). */
export function findBundle(extensionRoot: string): Bundle | undefined {
  const starter = join(extensionRoot, 'bundled', 'start.py');
  try {
    const manifest = JSON.parse(readFileSync(join(extensionRoot, 'bundled', 'bundle.json'), 'utf8')) as Partial<Bundle>;
    if (!isFile(starter) || typeof manifest.version !== 'string') {
      return undefined;
    }
    return { starter, version: manifest.version, target: String(manifest.target ?? '?'), pythons: manifest.pythons ?? [] };
  } catch {
    return undefined;
  }
}

/** Whether a path is a folder (a server command pointing there cannot be started). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

// One start looks up both Pythons and glossary-lsp: the login shell runs once for them, and
// again on a later start (a "Restart Server" after installing Python sees the new PATH).
const LOGIN_SHELL_REUSE_MS = 10_000;
let loginShell: { at: number; path: Promise<string | undefined> } | undefined;

function loginShellPath(now = Date.now()): Promise<string | undefined> {
  if (!loginShell || now - loginShell.at > LOGIN_SHELL_REUSE_MS) {
    loginShell = { at: now, path: askLoginShell() };
  }
  return loginShell.path;
}

async function askLoginShell(): Promise<string | undefined> {
  const shell = process.env.SHELL;
  if (!shell || process.platform === 'win32') {
    return undefined;
  }
  // the last line: a login profile may print its own lines first
  const output = await run([shell], ['-lc', 'printf "\\n%s" "$PATH"'], LOGIN_SHELL_TIMEOUT_MS);
  return output?.split('\n').pop();
}

function run(command: string[], args: string[], timeout = PROBE_TIMEOUT_MS): Promise<string | undefined> {
  const [program, ...prefix] = command;
  return new Promise((resolve) => {
    execFile(program, [...prefix, ...args], { timeout, windowsHide: true }, (error, stdout) =>
      resolve(error === null ? stdout : undefined),
    );
  });
}
