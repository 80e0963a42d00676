import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Bundle, mergePaths, type PythonInfo, pythonCandidates } from './bundledServer';
import { SERVER_MODULE } from './serverCommand';

const PROBE_TIMEOUT_MS = 15_000;
const LOGIN_SHELL_TIMEOUT_MS = 5_000;

/** Whether `python` (program and arguments) can import glossary_lsp; false on any failure. */
export function canImportServer(python: string[]): Promise<boolean> {
  return run(python, ['-c', `import ${SERVER_MODULE}`]).then((output) => output !== undefined);
}

const PROBE_SCRIPT = [
  'import json, sys',
  'try:',
  `    import ${SERVER_MODULE} as s; server = getattr(s, "__version__", "0")`,
  'except Exception:',
  '    server = None',
  'print(json.dumps({"version": list(sys.version_info[:3]), "server": server}))',
].join('\n');

/** The interpreter's version and the version of glossary_lsp installed there, if any. */
export async function probePython(python: string[]): Promise<PythonInfo | undefined> {
  const output = await run(python, ['-c', PROBE_SCRIPT]);
  if (output === undefined) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(output.trim().split('\n').pop() ?? '') as { version: number[]; server: string | null };
    const [major, minor, micro] = parsed.version;
    return { version: [major, minor, micro], server: parsed.server ?? undefined };
  } catch {
    return undefined;
  }
}

/** `python3`/`python` on the extension host's PATH, then on the login shell's PATH. */
export async function pathPythons(): Promise<string[][]> {
  const entries = mergePaths(process.env.PATH, await loginShellPath());
  return pythonCandidates(entries, isExecutableFile);
}

/** The server in the .vsix, when its folder is there (bundled/start.py and bundled/libs). */
export function findBundle(extensionRoot: string): Bundle | undefined {
  const starter = join(extensionRoot, 'bundled', 'start.py');
  try {
    const version = readFileSync(join(extensionRoot, 'bundled', 'VERSION'), 'utf8').trim();
    return isFile(starter) ? { starter, version } : undefined;
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

async function loginShellPath(): Promise<string | undefined> {
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
