import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { activePythonCommand, PYTHON_EXTENSION_ID } from '../src/pythonExtension';
import { installedExtensions, Uri } from './stubs/vscode';

function install(api: unknown, isActive = true): void {
  installedExtensions.set(PYTHON_EXTENSION_ID, { isActive, exports: api, activate: async () => api });
}

describe('activePythonCommand', () => {
  const logged: string[] = [];
  const log = (line: string) => logged.push(line);

  afterEach(() => {
    installedExtensions.clear();
    logged.length = 0;
  });

  test('undefined when the Python extension is not installed', async () => {
    assert.equal(await activePythonCommand(undefined, log), undefined);
  });

  test("the active environment's executable, activating the extension if needed", async () => {
    install(
      {
        environments: {
          getActiveEnvironmentPath: () => ({ id: 'venv', path: '/course/.venv' }),
          resolveEnvironment: async (env: { path: string }) => ({
            executable: { uri: Uri.file(`${env.path}/bin/python`) },
          }),
        },
      },
      false,
    );
    assert.deepEqual(await activePythonCommand(undefined, log), ['/course/.venv/bin/python']);
  });

  test('the older settings API when there is no environments API', async () => {
    install({ settings: { getExecutionDetails: () => ({ execCommand: ['/usr/bin/python3.12'] }) } });
    assert.deepEqual(await activePythonCommand(undefined, log), ['/usr/bin/python3.12']);
  });

  test('undefined when no interpreter is selected', async () => {
    install({
      environments: {
        getActiveEnvironmentPath: () => ({ id: 'x', path: 'x' }),
        resolveEnvironment: async () => undefined,
      },
      settings: { getExecutionDetails: () => ({ execCommand: undefined }) },
    });
    assert.equal(await activePythonCommand(undefined, log), undefined);
  });

  test('a failing Python extension is logged and ignored', async () => {
    installedExtensions.set(PYTHON_EXTENSION_ID, {
      isActive: false,
      exports: undefined,
      activate: async () => {
        throw new Error('activation failed');
      },
    });
    assert.equal(await activePythonCommand(undefined, log), undefined);
    assert.match(logged.join('\n'), /activation failed/);
  });
});
