import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type Bundle, compareVersions, installedIsCurrent, type PythonInfo } from '../src/bundledServer';
import { type ControllerDeps, ServerController } from '../src/controller';
import { bundleCheck, findBundle, probePython } from '../src/pythonProbe';
import {
  type InstalledServer,
  InvalidSettingError,
  type Launch,
  NoPythonError,
  parseCommandSetting,
  resolveLaunch,
  startupFailureMessage,
  UnsupportedPythonError,
} from '../src/serverCommand';
import { EXTENSION_ROOT } from './support/packageJson';
import { testPython } from './support/serverProcess';

const bundle: Bundle = {
  starter: '/ext/bundled/start.py',
  version: '0.2.0',
  target: 'linux-x64',
  pythons: ['3.10', '3.11', '3.12', '3.13'],
};
const pythons: Record<string, PythonInfo | undefined> = {
  '/venv/bin/python': { version: [3, 12, 1] },
  '/usr/bin/python3': { version: [3, 11, 2] },
  '/old/python3.8': { version: [3, 8, 10] },
  '/newest/python3.14': { version: [3, 14, 0] },
  '/pypy/bin/python3': { version: [3, 11, 9], implementation: 'pypy' },
  '/newer/python': { version: [3, 12, 0], server: '0.3.0' },
  '/same/python': { version: [3, 12, 0], server: '0.2.0' },
  '/older/python': { version: [3, 12, 0], server: '0.1.0' },
  '/older/python3.14': { version: [3, 14, 0], server: '0.1.0' },
};
const probe = async (python: string[]) => pythons[python[0]];

function resolveWith(
  python: string[] | undefined,
  onPath: string[][],
  setting: unknown = undefined,
  serverOnPath?: InstalledServer,
) {
  return resolveLaunch({
    setting: parseCommandSetting(setting),
    python,
    probe,
    bundle,
    pathPythons: async () => onPath,
    serverOnPath: async () => serverOnPath,
    isDirectory: (path) => path === '/a/folder',
  });
}

const bundled = (python: string) => ({ command: python, args: [bundle.starter], source: 'bundled', python: [python] });

describe('the bundled server', () => {
  test('runs with the Python extension interpreter when it is new enough', async () => {
    assert.deepEqual(await resolveWith(['/venv/bin/python'], [['/usr/bin/python3']]), bundled('/venv/bin/python'));
  });

  test('a Python 3.8 is passed over for the first python3 >= 3.10 on PATH', async () => {
    const launch = await resolveWith(['/old/python3.8'], [['/old/python3.8'], ['/usr/bin/python3']]);
    assert.deepEqual(launch, bundled('/usr/bin/python3'));
  });

  test('a Python it has no compiled libraries for (3.14, PyPy) is passed over for one it has', async () => {
    const launch = await resolveWith(['/newest/python3.14'], [['/pypy/bin/python3'], ['/usr/bin/python3']]);
    assert.deepEqual(launch, bundled('/usr/bin/python3'));
  });

  test('only Pythons it was not built for: a message naming the Python and what to install', async () => {
    await assert.rejects(resolveWith(['/newest/python3.14'], [['/pypy/bin/python3']]), (error: Error) => {
      assert.ok(error instanceof UnsupportedPythonError);
      assert.match(error.message, /built for CPython 3\.10, 3\.11, 3\.12, 3\.13 on linux-x64/);
      assert.match(error.message, /Python 3\.14\.0 \(`\/newest\/python3\.14`\), PyPy 3\.11\.9/);
      assert.match(error.message, /`\/newest\/python3\.14 -m pip install glossary-lsp`/);
      assert.match(error.message, /"Glossary: Restart Server"/);
      return true;
    });
  });

  test('an older installed server is used when the bundle runs on none of the Pythons', async () => {
    const launch = await resolveWith(['/older/python3.14'], []);
    assert.deepEqual(launch, { command: '/older/python3.14', args: ['-m', 'glossary_lsp'], source: 'python', python: ['/older/python3.14'] });
  });
});

describe('which server wins: the version check', () => {
  test("the Python extension's installed server wins when it is not older than the bundle", async () => {
    const module = (python: string) => ({ command: python, args: ['-m', 'glossary_lsp'], source: 'python', python: [python] });
    assert.deepEqual(await resolveWith(['/newer/python'], []), module('/newer/python'));
    assert.deepEqual(await resolveWith(['/same/python'], []), module('/same/python'));
    assert.deepEqual(await resolveWith(['/older/python'], []), bundled('/older/python'));
  });

  test('glossary-lsp on PATH wins only when its --version is >= the bundled version', async () => {
    const at = (version: string) => ({ command: '/home/me/.local/bin/glossary-lsp', version });
    const fromPath = { command: '/home/me/.local/bin/glossary-lsp', args: [], source: 'path' };
    assert.deepEqual(await resolveWith(['/venv/bin/python'], [], undefined, at('0.3.0')), fromPath);
    assert.deepEqual(await resolveWith(['/venv/bin/python'], [], undefined, at('0.2.0')), fromPath);
    assert.deepEqual(await resolveWith(['/venv/bin/python'], [], undefined, at('0.10.0')), fromPath, 'numeric, not text');
    assert.deepEqual(await resolveWith(['/venv/bin/python'], [], undefined, at('0.1.9')), bundled('/venv/bin/python'));
    assert.deepEqual(await resolveWith(['/venv/bin/python'], [], undefined, at('0.2.0rc1')), fromPath);
  });

  test('glossaryLsp.server.command always wins, even over a newer installed server', async () => {
    const launch = await resolveWith(['/newer/python'], [], ['/my/python', '-m', 'glossary_lsp'], {
      command: '/usr/bin/glossary-lsp',
      version: '9.0.0',
    });
    assert.deepEqual(launch, { command: '/my/python', args: ['-m', 'glossary_lsp'], source: 'setting' });
  });

  test('installedIsCurrent compares versions numerically', () => {
    assert.equal(installedIsCurrent('0.10.0', '0.9.0'), true);
    assert.equal(installedIsCurrent('0.1.0', '0.1.0'), true);
    assert.equal(installedIsCurrent('0.1.0', '0.1.1'), false);
    assert.equal(installedIsCurrent(undefined, '0.1.0'), false);
    assert.equal(compareVersions([3, 10, 0], [3, 10]), 0);
  });
});

describe('bad input: a clear message, and "Restart Server" works afterwards', () => {
  test('no Python at all: a message naming what to install (POSIX and Windows)', async () => {
    await assert.rejects(resolveWith(undefined, []), (error: Error) => {
      assert.ok(error instanceof NoPythonError);
      assert.match(error.message, /needs Python 3\.10 or newer\. No Python was found/);
      assert.match(error.message, /Install Python 3\.10 or newer \(e\.g\. `sudo apt install python3`/);
      assert.match(error.message, /"Glossary: Restart Server"/);
      return true;
    });
    await assert.rejects(
      resolveLaunch({ setting: { kind: 'unset' }, probe, bundle, platform: 'win32' }),
      /python\.exe on PATH and the py launcher\)\. Install Python 3\.10 or newer \(from python\.org, or `winget install Python\.Python\.3\.12`/,
    );
  });

  test('only a Python 3.8: the message says which one was found and that it is too old', async () => {
    await assert.rejects(resolveWith(['/old/python3.8'], [['/old/python3.8']]), (error: Error) => {
      assert.ok(error instanceof NoPythonError);
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

  test('a bundled server that does not start: start.py\'s reason, reinstall and pip advice', () => {
    const launch: Launch = { command: '/usr/bin/python3', args: [bundle.starter], source: 'bundled', python: ['/usr/bin/python3'] };
    const message = startupFailureMessage(
      launch,
      new Error('the server stopped before answering `initialize`'),
      "glossary-lsp: the server this extension carries cannot load in /usr/bin/python3 (ModuleNotFoundError: No module named 'pygls').",
    );
    assert.match(message, /the language server the extension carries did not start with `\/usr\/bin\/python3 \/ext\/bundled\/start\.py`: the server/);
    assert.match(message, /No module named 'pygls'/);
    assert.match(message, /reinstall the extension/);
    assert.match(message, /`\/usr\/bin\/python3 -m pip install glossary-lsp`/);
  });

  type Fake = { start(): Promise<void>; dispose(): Promise<void> };

  function controllerWith(overrides: Partial<ControllerDeps<Fake>>) {
    const errors: string[] = [];
    const launches: Launch[] = [];
    let fails = false;
    const deps: ControllerDeps<Fake> = {
      readCommandSetting: () => undefined,
      findPython: async () => undefined,
      probePython: async () => undefined,
      bundle: () => bundle,
      pathPythons: async () => [['/usr/bin/python3']],
      createClient: (launch) => {
        launches.push(launch);
        const failing = fails;
        return {
          start: async () => (failing ? Promise.reject(new Error('the server stopped before answering `initialize`')) : undefined),
          dispose: async () => undefined,
        };
      },
      showError: async (message) => {
        errors.push(message);
        return undefined;
      },
      openSettings: () => undefined,
      showOutput: () => undefined,
      log: () => undefined,
      ...overrides,
    };
    return { controller: new ServerController(deps), errors, launches, failNext: (value: boolean) => (fails = value) };
  }

  test('no Python, then one is installed: Restart Server starts the bundled server', async () => {
    const available: Record<string, PythonInfo | undefined> = {};
    const h = controllerWith({ probePython: async (python) => available[python[0]] });
    assert.equal(await h.controller.start(), undefined);
    assert.equal(h.errors.length, 1);
    assert.match(h.errors[0], /needs Python 3\.10 or newer/);
    available['/usr/bin/python3'] = { version: [3, 11, 0] };
    assert.ok(await h.controller.restart());
    assert.deepEqual(h.launches, [bundled('/usr/bin/python3')]);
  });

  test('only Python 3.8, then 3.12: Restart Server starts the bundled server', async () => {
    const available: Record<string, PythonInfo> = { '/usr/bin/python3': { version: [3, 8, 10] } };
    const h = controllerWith({ probePython: async (python) => available[python[0]] });
    assert.equal(await h.controller.start(), undefined);
    assert.match(h.errors[0], /Found only Python 3\.8\.10/);
    available['/usr/bin/python3'] = { version: [3, 12, 0] };
    assert.ok(await h.controller.restart());
    assert.equal(h.errors.length, 1);
  });

  test('server.command at a folder, then removed: Restart Server starts the bundled server', async () => {
    const setting = { value: '/a/folder' as unknown };
    const h = controllerWith({
      readCommandSetting: () => setting.value,
      probePython: probe,
      isDirectory: (path) => path === '/a/folder',
    });
    assert.equal(await h.controller.start(), undefined);
    assert.match(h.errors[0], /points at the folder/);
    assert.equal(h.launches.length, 0, 'nothing spawned');
    setting.value = undefined;
    assert.ok(await h.controller.restart());
    assert.deepEqual(h.launches, [bundled('/usr/bin/python3')]);
  });

  test('a broken bundle: the error carries start.py --check\'s reason; once repaired, Restart Server works', async () => {
    const checked: string[][] = [];
    const h = controllerWith({
      probePython: probe,
      bundleCheck: async (python, starter) => {
        checked.push([...python, starter]);
        return "glossary-lsp: the server this extension carries cannot load (ModuleNotFoundError: No module named 'pygls')";
      },
    });
    h.failNext(true);
    assert.equal(await h.controller.start(), undefined);
    assert.deepEqual(checked, [['/usr/bin/python3', bundle.starter]]);
    assert.match(h.errors[0], /did not start with `\/usr\/bin\/python3 \/ext\/bundled\/start\.py`: the server this extension carries cannot load/);
    assert.match(h.errors[0], /No module named 'pygls'/);
    h.failNext(false);
    assert.ok(await h.controller.restart());
    assert.equal(h.errors.length, 1);
  });
});

describe('the bundle in this build (bundled/start.py, bundle.json)', () => {
  const found = () => {
    const built = findBundle(EXTENSION_ROOT);
    assert.ok(built, 'run `npm run package` first');
    return built;
  };

  test('probing a real Python tells its version, implementation and the installed server', async () => {
    const info = await probePython([testPython()]);
    assert.ok(info);
    assert.ok(compareVersions(info.version, [3, 10]) >= 0);
    assert.equal(info.implementation, 'cpython');
    assert.equal(info.server, '0.1.0');
    assert.equal(await probePython(['sh', '-c', 'exit 3', 'sh']), undefined);
  });

  test('bundle.json names the version, the target and the CPythons with their folders', () => {
    const built = found();
    assert.equal(built.version, '0.1.0');
    assert.match(built.target, /^(linux|darwin|win32)-(x64|arm64)$/);
    assert.deepEqual(built.pythons, ['3.10', '3.11', '3.12', '3.13']);
  });

  test('a folder with start.py but no bundle.json (the universal .vsix) has no bundle', async () => {
    await withCopy(
      (bundled) => rmSync(join(bundled, 'bundle.json')),
      (starter) => assert.equal(findBundle(join(starter, '..', '..')), undefined),
    );
  });

  test('start.py runs the server from the bundle alone (no site-packages)', async () => {
    const run = spawnSync(testPython(), ['-B', '-I', '-S', found().starter, '--help'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /usage: glossary-lsp/);
    assert.equal(await bundleCheck([testPython(), '-I', '-S'], found().starter), '');
  });

  test('every CPython the bundle was built for that this machine has loads it alone (python3.1X on PATH)', async (t) => {
    const others = found()
      .pythons.map((version) => `python${version}`)
      .filter((name) => spawnSync(name, ['-c', ''], { stdio: 'ignore' }).status === 0);
    if (others.length === 0) {
      t.skip('no python3.1X on PATH');
      return;
    }
    for (const python of others) {
      assert.equal(await bundleCheck([python, '-I', '-S'], found().starter), '', python);
    }
  });

  function withCopy(damage: (bundled: string) => void, check: (starter: string) => Promise<void> | void) {
    const copy = mkdtempSync(join(tmpdir(), 'glossary-bundle-'));
    const done = async () => {
      try {
        cpSync(join(EXTENSION_ROOT, 'bundled'), join(copy, 'bundled'), { recursive: true });
        damage(join(copy, 'bundled'));
        await check(join(copy, 'bundled', 'start.py'));
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    };
    return done();
  }

  test('a broken bundled library folder: one line naming the missing module and what to install, status 3', async () => {
    await withCopy(
      (bundled) => rmSync(join(bundled, 'libs', 'pygls'), { recursive: true }),
      async (starter) => {
        const run = spawnSync(testPython(), ['-B', '-I', '-S', starter], { encoding: 'utf8', input: '', timeout: 30_000 });
        assert.equal(run.status, 3, run.stderr);
        assert.match(run.stderr, /^glossary-lsp: the server this extension carries cannot load in \S+ \(ModuleNotFoundError: No module named 'pygls'\)/);
        assert.match(run.stderr, /-m pip install glossary-lsp/);
        assert.doesNotMatch(run.stderr, /Traceback/);
        assert.match(await bundleCheck([testPython(), '-I', '-S'], starter), /^glossary-lsp: .*No module named 'pygls'/);
      },
    );
  });

  test('a compiled module that does not load (another platform\'s wheel): the same clear line', async () => {
    await withCopy(
      (bundled) => {
        for (const python of found().pythons) {
          const folder = join(bundled, `cp${python.replace('.', '')}`, 'pyromark');
          rmSync(folder, { recursive: true, force: true });
        }
      },
      async (starter) => {
        const reason = await bundleCheck([testPython(), '-I', '-S'], starter);
        assert.match(reason, /^glossary-lsp: the server this extension carries cannot load .*pyromark/);
      },
    );
  });

  test('a Python it was not built for: start.py says which and what to install', async () => {
    await withCopy(
      (bundled) =>
        writeFileSync(join(bundled, 'bundle.json'), JSON.stringify({ version: '0.1.0', target: 'linux-x64', pythons: ['3.99'] })),
      async (starter) => {
        const reason = await bundleCheck([testPython(), '-I', '-S'], starter);
        assert.match(reason, /^glossary-lsp: the server this extension carries is built for CPython 3\.99 on linux-x64, and \S+ is CPython 3\.\d+/);
        assert.match(reason, /-m pip install glossary-lsp/);
      },
    );
  });
});
