/**
 * Which command starts the server: the `glossaryLsp.server.command` setting; else, when the
 * extension carries the server, that bundle run by the Python extension's interpreter or the
 * first `python3` >= 3.10 on PATH (an installed glossary_lsp there wins only when newer); without
 * a bundle, the Python extension's interpreter (when glossary_lsp is importable there), else
 * `glossary-lsp` on PATH.
 *
 * Pure: no `vscode` import, so it is unit-tested in plain Node.
 */

import { type Bundle, choosePython, installedIsNewer, noPythonMessage, type Probe } from './bundledServer';

export const COMMAND_SETTING = 'glossaryLsp.server.command';
export const SERVER_EXECUTABLE = 'glossary-lsp';
export const SERVER_MODULE = 'glossary_lsp';

export type LaunchSource = 'setting' | 'python' | 'path' | 'bundled';

export type Launch = {
  command: string;
  /** Arguments before the `--stdio` that vscode-languageclient appends. */
  args: string[];
  source: LaunchSource;
};

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
  /** Whether `python` can import glossary_lsp (asked only when there is one). */
  pythonHasServer: (python: string[]) => Promise<boolean>;
  /** The server the extension carries, if any, with what it takes to choose its Python. */
  bundle?: Bundle;
  probe?: Probe;
  pathPythons?: () => Promise<string[][]>;
  isDirectory?: (path: string) => boolean;
};

/** Chooses the launch; throws only for an invalid setting (its message is user-facing). */
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
          'or remove it to use the server the extension carries.',
      );
    }
    return { command: setting.command, args: setting.args, source: 'setting' };
  }
  const python = input.python;
  if (input.bundle && input.probe) {
    return bundledLaunch(input.bundle, input.probe, [
      ...(python && python.length > 0 ? [python] : []),
      ...((await input.pathPythons?.()) ?? []),
    ]);
  }
  if (python && python.length > 0 && (await input.pythonHasServer(python))) {
    const [command, ...prefix] = python;
    return { command, args: [...prefix, '-m', SERVER_MODULE], source: 'python' };
  }
  return { command: SERVER_EXECUTABLE, args: [], source: 'path' };
}

async function bundledLaunch(bundle: Bundle, probe: Probe, candidates: string[][]): Promise<Launch> {
  const choice = await choosePython(candidates, probe);
  if (choice.kind === 'none') {
    throw new NoPythonError(noPythonMessage(choice));
  }
  const [command, ...prefix] = choice.python;
  if (installedIsNewer(choice.info.server, bundle.version)) {
    return { command, args: [...prefix, '-m', SERVER_MODULE], source: 'python' };
  }
  return { command, args: [...prefix, bundle.starter], source: 'bundled' };
}

/** A launch that cannot be made; its message is user-facing. */
export class LaunchError extends Error {}
export class InvalidSettingError extends LaunchError {}
export class NoPythonError extends LaunchError {}

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
export function startupFailureMessage(launch: Launch, error: unknown, python?: string[]): string {
  const reason = errorText(error);
  const tried = `Glossary: could not start the language server with \`${describeLaunch(launch)}\`${reason ? ` (${reason})` : ''}.`;
  const install = python?.length
    ? `Install it into the selected Python environment with \`${describeCommand(python)} -m pip install /path/to/glossary-lsp\` (a clone of the glossary-lsp repository)`
    : 'Install it with `pip install /path/to/glossary-lsp` (a clone of the glossary-lsp repository)';
  if (launch.source === 'bundled') {
    return (
      `Glossary: the language server the extension carries did not start with \`${describeLaunch(launch)}\`` +
      `${reason ? ` (${reason})` : ''}. Its files may be damaged: reinstall the extension, or point the setting ` +
      `"${COMMAND_SETTING}" at an installed server. "Glossary: Show Output" has the server's own error.`
    );
  }
  const fix =
    launch.source === 'setting'
      ? `Check the setting "${COMMAND_SETTING}", or remove it to use \`${SERVER_EXECUTABLE}\` from PATH.`
      : `${install}, or point the setting "${COMMAND_SETTING}" at a Python that has it, e.g. ["/path/to/python", "-m", "${SERVER_MODULE}"].`;
  return `${tried} ${fix}`;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    return error.message.replace(/\s+/g, ' ').trim();
  }
  return error === undefined || error === null ? '' : String(error);
}
