import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  describeLaunch,
  InvalidSettingError,
  NoServerError,
  parseCommandSetting,
  resolveLaunch,
  startupFailureMessage,
} from '../src/serverCommand';

describe('parseCommandSetting', () => {
  test('unset, null, empty string and empty array mean "find the server"', () => {
    for (const value of [undefined, null, '', '   ', []]) {
      assert.deepEqual(parseCommandSetting(value), { kind: 'unset' }, JSON.stringify(value));
    }
  });

  test('a string is one program path, spaces included', () => {
    assert.deepEqual(parseCommandSetting('/opt/my tools/glossary-lsp'), {
      kind: 'command',
      command: '/opt/my tools/glossary-lsp',
      args: [],
    });
  });

  test('an array is the program and its arguments', () => {
    assert.deepEqual(parseCommandSetting(['/venv/bin/python', '-m', 'glossary_lsp']), {
      kind: 'command',
      command: '/venv/bin/python',
      args: ['-m', 'glossary_lsp'],
    });
  });

  test('a number is invalid, with a message naming the setting and the fix', () => {
    const parsed = parseCommandSetting(42);
    assert.equal(parsed.kind, 'invalid');
    assert.ok(parsed.kind === 'invalid');
    assert.match(parsed.message, /"glossaryLsp\.server\.command" is invalid: it is 42/);
    assert.match(parsed.message, /string or an array of strings/);
    assert.match(parsed.message, /\["\/path\/to\/python", "-m", "glossary_lsp"\]/);
  });

  test('non-string items and an empty program are invalid', () => {
    const withNumber = parseCommandSetting(['python', 3]);
    assert.ok(withNumber.kind === 'invalid');
    assert.match(withNumber.message, /item 1 is 3/);
    const emptyProgram = parseCommandSetting(['', '-m', 'glossary_lsp']);
    assert.ok(emptyProgram.kind === 'invalid');
    assert.match(emptyProgram.message, /the first item \(the program\) is empty/);
    assert.equal(parseCommandSetting({ command: 'x' }).kind, 'invalid');
    assert.equal(parseCommandSetting(true).kind, 'invalid');
  });
});

describe('resolveLaunch without a bundled server (the universal .vsix)', () => {
  const never = async () => assert.fail('no Python may be probed');
  const withServer = async () => ({ version: [3, 12, 0] as [number, number, number], server: '0.1.0' });
  const without = async () => ({ version: [3, 12, 0] as [number, number, number] });

  test('the setting wins over everything', async () => {
    const launch = await resolveLaunch({
      setting: parseCommandSetting(['/x/python', '-m', 'glossary_lsp']),
      python: ['/venv/bin/python'],
      probe: never,
      serverOnPath: async () => assert.fail('PATH may not be searched'),
    });
    assert.deepEqual(launch, { command: '/x/python', args: ['-m', 'glossary_lsp'], source: 'setting' });
  });

  test("the Python extension's interpreter when it has glossary_lsp", async () => {
    const asked: string[][] = [];
    const launch = await resolveLaunch({
      setting: { kind: 'unset' },
      python: ['/usr/bin/conda', 'run', '-n', 'course', 'python'],
      probe: async (python) => {
        asked.push(python);
        return withServer();
      },
    });
    assert.deepEqual(asked, [['/usr/bin/conda', 'run', '-n', 'course', 'python']]);
    assert.deepEqual(launch, {
      command: '/usr/bin/conda',
      args: ['run', '-n', 'course', 'python', '-m', 'glossary_lsp'],
      source: 'python',
      python: ['/usr/bin/conda', 'run', '-n', 'course', 'python'],
    });
  });

  test('glossary-lsp on PATH when that interpreter lacks the server, then a PATH Python that has it', async () => {
    const onPath = { command: '/home/me/.local/bin/glossary-lsp', version: '0.1.0' };
    assert.deepEqual(
      await resolveLaunch({ setting: { kind: 'unset' }, python: ['/venv/bin/python'], probe: without, serverOnPath: async () => onPath }),
      { command: '/home/me/.local/bin/glossary-lsp', args: [], source: 'path' },
    );
    const launch = await resolveLaunch({
      setting: { kind: 'unset' },
      probe: async (python) => (python[0] === '/opt/py/bin/python3' ? withServer() : without()),
      pathPythons: async () => [['/usr/bin/python3'], ['/opt/py/bin/python3']],
      serverOnPath: async () => undefined,
    });
    assert.equal(launch.command, '/opt/py/bin/python3');
    assert.equal(launch.source, 'python');
  });

  test('no server anywhere: a message naming the package to install, into the Python found', async () => {
    await assert.rejects(
      resolveLaunch({ setting: { kind: 'unset' }, probe: without, pathPythons: async () => [['/usr/bin/python3']] }),
      (error: unknown) => {
        assert.ok(error instanceof NoServerError);
        assert.match(error.message, /no glossary-lsp language server was found/);
        assert.match(error.message, /`\/usr\/bin\/python3 -m pip install glossary-lsp`/);
        assert.match(error.message, /"Glossary: Restart Server"/);
        return true;
      },
    );
    await assert.rejects(
      resolveLaunch({ setting: { kind: 'unset' }, probe: without, platform: 'win32' }),
      /`py -3 -m pip install glossary-lsp`/,
    );
  });

  test('an invalid setting is an InvalidSettingError carrying the message', async () => {
    await assert.rejects(
      resolveLaunch({ setting: parseCommandSetting(42), probe: never }),
      (error: unknown) => error instanceof InvalidSettingError && /server\.command/.test(error.message),
    );
  });
});

describe('startupFailureMessage', () => {
  const spawnError = new Error('Launching server using command glossary-lsp failed. Error: spawn glossary-lsp ENOENT');

  test('an installed server: says what failed and how to reinstall it', () => {
    const message = startupFailureMessage({ command: '/usr/local/bin/glossary-lsp', args: [], source: 'path' }, spawnError);
    assert.match(message, /could not start the language server with `\/usr\/local\/bin\/glossary-lsp`/);
    assert.match(message, /ENOENT/);
    assert.match(message, /`python3 -m pip install --force-reinstall glossary-lsp`/);
    assert.match(message, /glossaryLsp\.server\.command/);
  });

  test('with a Python interpreter: reinstalls into that environment', () => {
    const message = startupFailureMessage(
      { command: '/home/me/my venv/bin/python', args: ['-m', 'glossary_lsp'], source: 'python', python: ['/home/me/my venv/bin/python'] },
      spawnError,
    );
    assert.match(message, /`"\/home\/me\/my venv\/bin\/python" -m pip install --force-reinstall glossary-lsp`/);
  });

  test('from the setting: points at the setting', () => {
    const message = startupFailureMessage(
      { command: '/x/python', args: ['-m', 'glossary_lsp'], source: 'setting' },
      new Error('Connection got disposed.'),
    );
    assert.match(message, /`\/x\/python -m glossary_lsp`/);
    assert.match(message, /Check the setting "glossaryLsp\.server\.command"/);
  });

  test('describeLaunch quotes parts with spaces', () => {
    assert.equal(
      describeLaunch({ command: '/a b/python', args: ['-m', 'glossary_lsp'], source: 'setting' }),
      '"/a b/python" -m glossary_lsp',
    );
  });
});
