import * as vscode from 'vscode';

export const PYTHON_EXTENSION_ID = 'ms-python.python';

/** The parts of the Python extension's API used here (both its newer and older surfaces). */
type PythonApi = {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
    resolveEnvironment(
      environment: { id: string; path: string } | string,
    ): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
  settings?: {
    getExecutionDetails(resource?: vscode.Uri): { execCommand: string[] | undefined };
    onDidChangeExecutionDetails?: vscode.Event<unknown>;
  };
};

/**
 * The active interpreter of the Python extension as program + arguments, or undefined when the
 * extension is not installed, not usable, or has no interpreter selected. Never throws: the
 * Python extension is an optional helper, not a dependency.
 */
export async function activePythonCommand(
  resource: vscode.Uri | undefined,
  log: (line: string) => void,
): Promise<string[] | undefined> {
  const extension = vscode.extensions.getExtension<PythonApi>(PYTHON_EXTENSION_ID);
  if (!extension) {
    return undefined;
  }
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    return (await fromEnvironments(api, resource)) ?? fromExecutionDetails(api, resource);
  } catch (error) {
    log(`Could not ask the Python extension for its interpreter: ${String(error)}`);
    return undefined;
  }
}

async function fromEnvironments(
  api: PythonApi | undefined,
  resource: vscode.Uri | undefined,
): Promise<string[] | undefined> {
  const environments = api?.environments;
  if (!environments) {
    return undefined;
  }
  const active = environments.getActiveEnvironmentPath(resource);
  const resolved = await environments.resolveEnvironment(active);
  const executable = resolved?.executable.uri?.fsPath;
  return executable ? [executable] : undefined;
}

function fromExecutionDetails(
  api: PythonApi | undefined,
  resource: vscode.Uri | undefined,
): string[] | undefined {
  const command = api?.settings?.getExecutionDetails(resource).execCommand;
  return command && command.length > 0 ? command : undefined;
}

/**
 * Calls `onChange` whenever the Python extension's active interpreter changes, when that
 * extension is already active (it is once the server was started with its interpreter; it is
 * never activated just for this). Undefined when there is nothing to watch. Never throws.
 */
export function watchPythonInterpreter(
  onChange: () => void,
  log: (line: string) => void,
): vscode.Disposable | undefined {
  const extension = vscode.extensions.getExtension<PythonApi>(PYTHON_EXTENSION_ID);
  if (!extension?.isActive) {
    return undefined;
  }
  try {
    const api = extension.exports;
    const changed =
      api?.environments?.onDidChangeActiveEnvironmentPath ??
      api?.settings?.onDidChangeExecutionDetails;
    return changed ? changed(() => onChange()) : undefined;
  } catch (error) {
    log(`Could not watch the Python extension's interpreter: ${String(error)}`);
    return undefined;
  }
}
