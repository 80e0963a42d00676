import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import {
  activePythonCommand,
  PYTHON_EXTENSION_ID,
  watchPythonInterpreter,
} from '../src/pythonExtension';
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

describe('watchPythonInterpreter', () => {
  const log = () => undefined;
  afterEach(() => installedExtensions.clear());

  function eventSource() {
    const listeners: (() => void)[] = [];
    const event = (listener: () => void) => {
      listeners.push(listener);
      return { dispose: () => listeners.splice(listeners.indexOf(listener), 1) };
    };
    return { event, fire: () => listeners.forEach((listener) => listener()), listeners };
  }

  test('calls back when the active environment changes, until disposed', () => {
    const source = eventSource();
    install({ environments: { onDidChangeActiveEnvironmentPath: source.event } });
    let changes = 0;
    const watch = watchPythonInterpreter(() => changes++, log);
    assert.ok(watch);
    source.fire();
    assert.equal(changes, 1);
    watch.dispose();
    source.fire();
    assert.equal(changes, 1);
  });

  test('uses the older execution-details event when there is no environments API', () => {
    const source = eventSource();
    install({ settings: { onDidChangeExecutionDetails: source.event } });
    let changes = 0;
    assert.ok(watchPythonInterpreter(() => changes++, log));
    source.fire();
    assert.equal(changes, 1);
  });

  test('watches nothing when the extension is missing, inactive or has no such event', () => {
    assert.equal(watchPythonInterpreter(() => undefined, log), undefined);
    const source = eventSource();
    install({ environments: { onDidChangeActiveEnvironmentPath: source.event } }, false);
    assert.equal(watchPythonInterpreter(() => undefined, log), undefined);
    assert.equal(source.listeners.length, 0); // never activated just to watch
    install({ environments: {} });
    assert.equal(watchPythonInterpreter(() => undefined, log), undefined);
  });
});
