import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { compareVersions, mergePaths, type PythonInfo, pythonCandidates } from '../src/bundledServer';
import { type ControllerDeps, ServerController } from '../src/controller';
import { findBundle, probePython } from '../src/pythonProbe';
import {
  InvalidSettingError,
  type Launch,
  NoPythonError,
  parseCommandSetting,
  resolveLaunch,
  startupFailureMessage,
} from '../src/serverCommand';
import { EXTENSION_ROOT } from './support/packageJson';
import { testPython } from './support/serverProcess';

const bundle = { starter: '/ext/bundled/start.py', version: '0.1.0' };
const pythons: Record<string, PythonInfo | undefined> = {
  '/venv/bin/python': { version: [3, 12, 1] },
  '/usr/bin/python3': { version: [3, 11, 2] },
  '/old/python3.8': { version: [3, 8, 10] },
  '/newer/python': { version: [3, 12, 0], server: '0.2.0' },
  '/same/python': { version: [3, 12, 0], server: '0.1.0' },
};
const probe = async (python: string[]) => pythons[python[0]];
const noProbe = async () => assert.fail('the old probe must not run with a bundle');

function resolveWith(python: string[] | undefined, onPath: string[][], setting: unknown = undefined) {
  return resolveLaunch({
    setting: parseCommandSetting(setting),
    python,
    pythonHasServer: noProbe,
    bundle,
    probe,
    pathPythons: async () => onPath,
    isDirectory: (path) => path === '/a/folder',
  });
}

describe('the bundled server', () => {
  test('runs with the Python extension interpreter when it is new enough', async () => {
    assert.deepEqual(await resolveWith(['/venv/bin/python'], [['/usr/bin/python3']]), {
      command: '/venv/bin/python',
      args: ['/ext/bundled/start.py'],
      source: 'bundled',
    });
  });

  test('a Python 3.8 is passed over for the first python3 >= 3.10 on PATH', async () => {
    const launch = await resolveWith(['/old/python3.8'], [['/old/python3.8'], ['/usr/bin/python3']]);
    assert.equal(launch.command, '/usr/bin/python3');
    assert.equal(launch.source, 'bundled');
  });

  test('an installed server wins only when it is newer than the bundle', async () => {
    assert.deepEqual(await resolveWith(['/newer/python'], []), {
      command: '/newer/python',
      args: ['-m', 'glossary_lsp'],
      source: 'python',
    });
    assert.equal((await resolveWith(['/same/python'], [])).source, 'bundled');
  });

  test('a configured command still wins', async () => {
    const launch = await resolveWith(['/venv/bin/python'], [], ['/my/python', '-m', 'glossary_lsp']);
    assert.deepEqual(launch, { command: '/my/python', args: ['-m', 'glossary_lsp'], source: 'setting' });
  });

  test('no Python at all: a message naming what to install', async () => {
    await assert.rejects(resolveWith(undefined, []), (error: Error) => {
      assert.ok(error instanceof NoPythonError);
      assert.match(error.message, /needs Python 3\.10 or newer\. No Python was found/);
      assert.match(error.message, /Install Python 3\.10 or newer \(e\.g\. `sudo apt install python3`/);
      assert.match(error.message, /"Glossary: Restart Server"/);
      return true;
    });
  });

  test('only a Python 3.8: the message says which one was found and that it is too old', async () => {
    await assert.rejects(resolveWith(['/old/python3.8'], [['/old/python3.8']]), (error: Error) => {
      assert.match(error.message, /Found only Python 3\.8\.10 \(`\/old\/python3\.8`\), which is too old/);
      return true;
    });
  });

  test('server.command pointing at a folder: a clear message before anything is spawned', async () => {
    await assert.rejects(resolveWith(undefined, [], '/a/folder'), (error: Error) => {
      assert.ok(error instanceof InvalidSettingError);
      assert.match(error.message, /points at the folder `\/a\/folder`, not a program/);
      return true;
    });
  });

  test('a bundled server that does not start: reinstall advice', () => {
    const launch: Launch = { command: '/usr/bin/python3', args: [bundle.starter], source: 'bundled' };
    const message = startupFailureMessage(launch, new Error('the server stopped before answering `initialize`'));
    assert.match(message, /the language server the extension carries did not start/);
    assert.match(message, /reinstall the extension/);
  });

  test('versions compare numerically; PATH entries merge in order without duplicates', () => {
    assert.equal(compareVersions([3, 10], [3, 9]), 1);
    assert.equal(compareVersions([3, 10, 0], [3, 10]), 0);
    assert.deepEqual(mergePaths('/a:/b', '/b:/c:', undefined), ['/a', '/b', '/c']);
    const executables = new Set(['/b/python3', '/c/python']);
    assert.deepEqual(pythonCandidates(['/a', '/b', '/c'], (path) => executables.has(path)), [
      ['/b/python3'],
      ['/c/python'],
    ]);
  });
});

describe('"Restart Server" after a failure', () => {
  test('once a Python is installed, restarting starts the bundled server', async () => {
    const available: Record<string, PythonInfo | undefined> = {};
    const errors: string[] = [];
    const launches: Launch[] = [];
    const deps: ControllerDeps<{ start(): Promise<void>; dispose(): Promise<void> }> = {
      readCommandSetting: () => undefined,
      findPython: async () => undefined,
      pythonHasServer: noProbe,
      bundle: () => bundle,
      probePython: async (python) => available[python[0]],
      pathPythons: async () => [['/usr/bin/python3']],
      createClient: (launch) => {
        launches.push(launch);
        return { start: async () => undefined, dispose: async () => undefined };
      },
      showError: async (message) => {
        errors.push(message);
        return undefined;
      },
      openSettings: () => undefined,
      showOutput: () => undefined,
      log: () => undefined,
    };
    const controller = new ServerController(deps);
    assert.equal(await controller.start(), undefined);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /needs Python 3\.10 or newer/);
    available['/usr/bin/python3'] = { version: [3, 11, 0] };
    assert.ok(await controller.restart());
    assert.deepEqual(launches, [{ command: '/usr/bin/python3', args: [bundle.starter], source: 'bundled' }]);
  });
});

describe('the bundle in this build', () => {
  test('probing a real Python tells its version and the installed server', async () => {
    const info = await probePython([testPython()]);
    assert.ok(info);
    assert.ok(compareVersions(info.version, [3, 10]) >= 0);
    assert.equal(info.server, '0.1.0');
    assert.equal(await probePython(['sh', '-c', 'exit 3', 'sh']), undefined);
  });

  test('bundled/start.py runs the server from bundled/libs alone (no site-packages)', () => {
    const found = findBundle(EXTENSION_ROOT);
    assert.ok(found, 'run `npm run bundle-server` (npm run package does) first');
    const run = spawnSync(testPython(), ['-B', '-I', '-S', found.starter, '--help'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /usage: glossary-lsp/);
  });

  test('a broken bundled library folder fails with the server\'s own error, not a hang', () => {
    const copy = mkdtempSync(join(tmpdir(), 'glossary-bundle-'));
    try {
      cpSync(join(EXTENSION_ROOT, 'bundled'), join(copy, 'bundled'), { recursive: true });
      rmSync(join(copy, 'bundled', 'libs', 'pygls'), { recursive: true });
      const run = spawnSync(testPython(), ['-B', '-I', '-S', join(copy, 'bundled', 'start.py')], {
        encoding: 'utf8',
        input: '',
        timeout: 30_000,
      });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /pygls/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
