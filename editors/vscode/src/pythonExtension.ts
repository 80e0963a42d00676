import * as vscode from 'vscode';

export const PYTHON_EXTENSION_ID = 'ms-python.python';

/** The parts of the Python extension's API used here (both its newer and older surfaces). */
type PythonApi = {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
    resolveEnvironment(
      environment: { id: string; path: string } | string,
    ): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  };
  settings?: {
    getExecutionDetails(resource?: vscode.Uri): { execCommand: string[] | undefined };
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
