/**
 * Which command starts the server, in this order:
 * 1. the `glossaryLsp.server.command` setting;
 * 2. an installed server not older than the one the extension carries: `python -m glossary_lsp`
 *    in the Python extension's interpreter, else `glossary-lsp` on PATH (its `--version`);
 * 3. the bundle, run by the first Python it was built for: the Python extension's interpreter,
 *    a workspace virtual environment, `python3` on PATH (POSIX: also the login shell's PATH;
 *    Windows: `python.exe`, then `py -3`);
 * 4. an older installed server, when the bundle runs on none of the Pythons found.
 * A build without a bundle (the universal .vsix) takes the first installed server it finds.
 * When nothing fits, a LaunchError says what was found and what to install.
 *
 * Pure: no `vscode` import, so it is unit-tested in plain Node.
 */

import {
  type Bundle,
  bundleRunsOn,
  type Candidate,
  installedIsCurrent,
  isNewEnough,
  noPythonMessage,
  noServerMessage,
  type Probe,
  type PythonInfo,
  bundleFailureMessage,
  PYPI_PACKAGE,
  unsupportedPythonMessage,
} from './bundledServer';
import type { Platform } from './discovery';

export const COMMAND_SETTING = 'glossaryLsp.server.command';
export const SERVER_EXECUTABLE = 'glossary-lsp';
export const SERVER_MODULE = 'glossary_lsp';

export type LaunchSource = 'setting' | 'python' | 'path' | 'bundled';

export type Launch = {
  command: string;
  /** Arguments before the `--stdio` that vscode-languageclient appends. */
  args: string[];
  source: LaunchSource;
  /** The interpreter that runs it, when a Python was chosen (for the failure message). */
  python?: string[];
};

/** An installed `glossary-lsp` executable and what its `--version` says. */
export type InstalledServer = { command: string; version: string };

export type CommandSetting =
  | { kind: 'unset' }
  | { kind: 'command'; command: string; args: string[] }
  | { kind: 'invalid'; message: string };

/**
 * Validates the raw setting value. A string is one program path (no shell splitting, so paths
 * with spaces work); an array is the program followed by its arguments.
 */
export function parseCommandSetting(value: unknown): CommandSetting {
  if (value === undefined || value === null || value === '') {
    return { kind: 'unset' };
  }
  if (typeof value === 'string') {
    return value.trim() === ''
      ? { kind: 'unset' }
      : { kind: 'command', command: value.trim(), args: [] };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return { kind: 'unset' };
    }
    const badIndex = value.findIndex((part) => typeof part !== 'string');
    if (badIndex >= 0) {
      return invalid(
        `item ${badIndex} is ${JSON.stringify(value[badIndex])}, but every item must be a string`,
      );
    }
    const [command, ...args] = value as string[];
    if (command.trim() === '') {
      return invalid('the first item (the program) is empty');
    }
    return { kind: 'command', command, args };
  }
  return invalid(`it is ${JSON.stringify(value)}, but it must be a string or an array of strings`);
}

function invalid(reason: string): CommandSetting {
  return {
    kind: 'invalid',
    message:
      `Glossary: the setting "${COMMAND_SETTING}" is invalid: ${reason}. ` +
      `Use e.g. ["/path/to/python", "-m", "${SERVER_MODULE}"] or "/path/to/${SERVER_EXECUTABLE}", ` +
      'or remove it to find the server automatically.',
  };
}

export type ResolveInput = {
  setting: CommandSetting;
  /** The Python extension's active interpreter (program and arguments), when it is installed. */
  python?: string[];
  /** Asks a Python its version and the version of the glossary_lsp installed there. */
  probe: Probe;
  /** The server the extension carries; absent in the universal build. */
  bundle?: Bundle;
  /** The other Pythons to try, in order (workspace venvs, PATH, the py launcher). */
  pathPythons?: () => Promise<string[][]>;
  /** `glossary-lsp` on PATH and its version. */
  serverOnPath?: () => Promise<InstalledServer | undefined>;
  isDirectory?: (path: string) => boolean;
  platform?: Platform;
  log?: (line: string) => void;
};

/** Chooses the launch; throws a LaunchError (with a user-facing message) when there is none. */
export async function resolveLaunch(input: ResolveInput): Promise<Launch> {
  const { setting } = input;
  if (setting.kind === 'invalid') {
    throw new InvalidSettingError(setting.message);
  }
  if (setting.kind === 'command') {
    if (input.isDirectory?.(setting.command)) {
      throw new InvalidSettingError(
        `Glossary: the setting "${COMMAND_SETTING}" points at the folder \`${setting.command}\`, not a program. ` +
          `Use e.g. ["/path/to/python", "-m", "${SERVER_MODULE}"] or "/path/to/bin/${SERVER_EXECUTABLE}", ` +
          'or remove it to find the server automatically.',
      );
    }
    return { command: setting.command, args: setting.args, source: 'setting' };
  }
  return input.bundle ? withBundle(input, input.bundle) : withoutBundle(input);
}

type Probed = { python: string[]; info: PythonInfo | undefined };

/**
 * The Python extension's interpreter, then the other candidates, each probed once and only when
 * reached: most starts need only the first.
 */
async function* probed(input: ResolveInput): AsyncGenerator<Probed> {
  const seen = new Set<string>();
  const others = async () => (await input.pathPythons?.()) ?? [];
  for (const python of input.python?.length ? [input.python] : []) {
    seen.add(JSON.stringify(python));
    yield { python, info: await input.probe(python) };
  }
  for (const python of await others()) {
    const key = JSON.stringify(python);
    if (!seen.has(key)) {
      seen.add(key);
      yield { python, info: await input.probe(python) };
    }
  }
}

function usable(candidate: Probed | undefined): candidate is Candidate {
  return candidate?.info !== undefined && isNewEnough(candidate.info);
}

function moduleLaunch(python: string[]): Launch {
  const [command, ...prefix] = python;
  return { command, args: [...prefix, '-m', SERVER_MODULE], source: 'python', python };
}

function executableLaunch(server: InstalledServer): Launch {
  return { command: server.command, args: [], source: 'path' };
}

async function withBundle(input: ResolveInput, bundle: Bundle): Promise<Launch> {
  const platform = input.platform ?? 'posix';
  const pythons = probed(input);
  const first = input.python?.length ? (await pythons.next()).value || undefined : undefined;
  if (usable(first) && installedIsCurrent(first.info.server, bundle.version)) {
    return moduleLaunch(first.python);
  }
  const onPath = await input.serverOnPath?.();
  if (onPath && installedIsCurrent(onPath.version, bundle.version)) {
    return executableLaunch(onPath);
  }
  const tooOld: Candidate[] = [];
  const unsupported: Candidate[] = [];
  const consider = (candidate: Probed | undefined): Launch | undefined => {
    if (!candidate?.info) {
      return undefined;
    }
    const found = candidate as Candidate;
    if (!usable(found)) {
      tooOld.push(found);
    } else if (installedIsCurrent(found.info.server, bundle.version)) {
      return moduleLaunch(found.python);
    } else if (!bundleRunsOn(bundle, found.info)) {
      unsupported.push(found);
    } else {
      const [command, ...prefix] = found.python;
      return { command, args: [...prefix, bundle.starter], source: 'bundled', python: found.python };
    }
    return undefined;
  };
  const chosen = consider(first);
  if (chosen) {
    return chosen;
  }
  for await (const candidate of pythons) {
    const launch = consider(candidate);
    if (launch) {
      return launch;
    }
  }
  // The bundle runs on none of them: an older installed server is better than none.
  const older = unsupported.find((candidate) => candidate.info.server);
  if (older || onPath) {
    const launch = older ? moduleLaunch(older.python) : executableLaunch(onPath as InstalledServer);
    input.log?.(`The bundled server runs on none of the Pythons found; using the older installed server ${describeLaunch(launch)}.`);
    return launch;
  }
  if (unsupported.length > 0) {
    throw new UnsupportedPythonError(unsupportedPythonMessage(bundle, unsupported, platform));
  }
  throw new NoPythonError(noPythonMessage(tooOld, platform));
}

async function withoutBundle(input: ResolveInput): Promise<Launch> {
  const pythons = probed(input);
  let selected: Candidate | undefined;
  if (input.python?.length) {
    const first = (await pythons.next()).value || undefined;
    if (usable(first)) {
      selected = first;
      if (first.info.server) {
        return moduleLaunch(first.python);
      }
    }
  }
  const onPath = await input.serverOnPath?.();
  if (onPath) {
    return executableLaunch(onPath);
  }
  let firstNewEnough = selected;
  for await (const candidate of pythons) {
    if (usable(candidate)) {
      if (candidate.info.server) {
        return moduleLaunch(candidate.python);
      }
      firstNewEnough ??= candidate;
    }
  }
  throw new NoServerError(noServerMessage(firstNewEnough?.python, input.platform ?? 'posix'));
}

/** A launch that cannot be made; its message is user-facing. */
export class LaunchError extends Error {}
export class InvalidSettingError extends LaunchError {}
export class NoPythonError extends LaunchError {}
export class UnsupportedPythonError extends LaunchError {}
export class NoServerError extends LaunchError {}

export function describeLaunch(launch: Launch): string {
  return describeCommand([launch.command, ...launch.args]);
}

export function describeCommand(parts: string[]): string {
  return parts.map(quoteIfNeeded).join(' ');
}

function quoteIfNeeded(part: string): string {
  return /[\s"']/.test(part) ? JSON.stringify(part) : part;
}

/** The user-facing message when the chosen launch did not bring up a working server. */
export function startupFailureMessage(launch: Launch, error: unknown, reason = '', platform: Platform = 'posix'): string {
  const why = reason || errorText(error);
  if (launch.source === 'bundled') {
    return bundleFailureMessage(describeLaunch(launch), why, launch.python ?? [launch.command], platform);
  }
  const tried = `Glossary: could not start the language server with \`${describeLaunch(launch)}\`${why ? ` (${why})` : ''}.`;
  if (launch.source === 'setting') {
    return `${tried} Check the setting "${COMMAND_SETTING}", or remove it to find the server automatically.`;
  }
  const python = launch.python ? describeCommand(launch.python) : platform === 'win32' ? 'py -3' : 'python3';
  return (
    `${tried} Reinstall it with \`${python} -m pip install --force-reinstall ${PYPI_PACKAGE}\` and run "Glossary: Restart Server", ` +
    `or point the setting "${COMMAND_SETTING}" at a Python that has it, e.g. ["/path/to/python", "-m", "${SERVER_MODULE}"].`
  );
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    return error.message.replace(/\s+/g, ' ').trim();
  }
  return error === undefined || error === null ? '' : String(error);
}
