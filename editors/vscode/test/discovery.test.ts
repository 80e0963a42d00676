/** Interpreter and server discovery on POSIX and Windows, with the file system mocked. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  mergePaths,
  platformOf,
  pyLauncher,
  pythonCandidates,
  serverOnPath,
  splitPath,
  venvPython,
  versionFromOutput,
  type Where,
} from '../src/discovery';

function where(platform: Where['platform'], files: string[], rest: Partial<Where> = {}): Where {
  const present = new Set(files);
  return { platform, pathEntries: [], exists: (path) => present.has(path), ...rest };
}

describe('PATH', () => {
  test('POSIX: `:`-separated, merged in order without duplicates', () => {
    assert.deepEqual(splitPath('/a:/b::/c', 'posix'), ['/a', '/b', '/c']);
    assert.deepEqual(mergePaths('posix', '/a:/b', '/b/:/c:', undefined), ['/a', '/b', '/c']);
  });

  test('Windows: `;`-separated, quoted entries unquoted, duplicates by case and trailing backslash', () => {
    assert.deepEqual(splitPath('C:\\Python312;"C:\\Program Files\\Tools";;C:\\bin', 'win32'), [
      'C:\\Python312',
      'C:\\Program Files\\Tools',
      'C:\\bin',
    ]);
    assert.deepEqual(mergePaths('win32', 'C:\\Python312;c:\\python312\\', 'C:\\bin'), ['C:\\Python312', 'C:\\bin']);
  });

  test('the platform: win32 is Windows, everything else POSIX', () => {
    assert.equal(platformOf('win32'), 'win32');
    assert.equal(platformOf('linux'), 'posix');
    assert.equal(platformOf('darwin'), 'posix');
  });
});

describe('Python candidates', () => {
  test('POSIX: workspace .venv/bin/python, then python3 and python in PATH order', () => {
    const found = pythonCandidates(
      where('posix', ['/course/.venv/bin/python', '/usr/local/bin/python3', '/usr/bin/python3', '/usr/bin/python'], {
        pathEntries: ['/usr/local/bin', '/usr/bin'],
        workspaceFolders: ['/course'],
      }),
    );
    assert.deepEqual(found, [['/course/.venv/bin/python'], ['/usr/local/bin/python3'], ['/usr/bin/python3'], ['/usr/bin/python']]);
  });

  test('Windows: venv Scripts\\python.exe, python.exe on PATH, then py -3, the Store alias last', () => {
    const local = 'C:\\Users\\me\\AppData\\Local';
    const found = pythonCandidates(
      where(
        'win32',
        [
          'C:\\course\\venv\\Scripts\\python.exe',
          `${local}\\Microsoft\\WindowsApps\\python.exe`,
          'C:\\Python312\\python.exe',
          'C:\\Windows\\py.exe',
        ],
        {
          pathEntries: [`${local}\\Microsoft\\WindowsApps`, 'C:\\Python312', 'C:\\Python312\\Scripts'],
          workspaceFolders: ['C:\\course'],
          env: { SystemRoot: 'C:\\Windows', LOCALAPPDATA: local },
        },
      ),
    );
    assert.deepEqual(found, [
      ['C:\\course\\venv\\Scripts\\python.exe'],
      ['C:\\Python312\\python.exe'],
      ['C:\\Windows\\py.exe', '-3'],
      [`${local}\\Microsoft\\WindowsApps\\python.exe`],
    ]);
  });

  test('Windows: no python.exe on PATH, only the per-user py launcher', () => {
    const local = 'C:\\Users\\me\\AppData\\Local';
    const launcher = `${local}\\Programs\\Python\\Launcher\\py.exe`;
    const found = pythonCandidates(where('win32', [launcher], { pathEntries: ['C:\\bin'], env: { LOCALAPPDATA: local } }));
    assert.deepEqual(found, [[launcher, '-3']]);
    assert.equal(pyLauncher(where('win32', ['C:\\bin\\py.exe'], { pathEntries: ['C:\\bin'] })), 'C:\\bin\\py.exe');
  });

  test('no Python at all: no candidates, on either platform', () => {
    assert.deepEqual(pythonCandidates(where('posix', [], { pathEntries: ['/usr/bin'] })), []);
    assert.deepEqual(pythonCandidates(where('win32', [], { pathEntries: ['C:\\bin'], env: { SystemRoot: 'C:\\Windows' } })), []);
  });

  test('a virtual environment has bin/python, or Scripts\\python.exe on Windows', () => {
    assert.equal(venvPython('/course/.venv', 'posix'), '/course/.venv/bin/python');
    assert.equal(venvPython('C:\\course\\.venv', 'win32'), 'C:\\course\\.venv\\Scripts\\python.exe');
  });
});

describe('glossary-lsp on PATH', () => {
  test('POSIX glossary-lsp, Windows glossary-lsp.exe (pip puts it in Scripts\\)', () => {
    assert.equal(
      serverOnPath(where('posix', ['/home/me/.local/bin/glossary-lsp'], { pathEntries: ['/usr/bin', '/home/me/.local/bin'] })),
      '/home/me/.local/bin/glossary-lsp',
    );
    assert.equal(
      serverOnPath(where('win32', ['C:\\Python312\\Scripts\\glossary-lsp.exe'], { pathEntries: ['C:\\Python312', 'C:\\Python312\\Scripts'] })),
      'C:\\Python312\\Scripts\\glossary-lsp.exe',
    );
    assert.equal(serverOnPath(where('win32', ['C:\\bin\\glossary-lsp'], { pathEntries: ['C:\\bin'] })), undefined);
  });

  test('its --version output gives the version', () => {
    assert.equal(versionFromOutput('glossary-lsp 0.1.0\n'), '0.1.0');
    assert.equal(versionFromOutput('glossary-lsp 1.2.0rc1\r\n'), '1.2.0rc1');
    assert.equal(versionFromOutput('usage: glossary-lsp'), undefined);
  });
});
