/**
 * The real vscode-languageclient (with the `vscode` stub) behind the ServerController: a server
 * command that does not exist or exits at once ends in one clear message, never silently.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type * as vscode from 'vscode';
import type { Bundle } from '../src/bundledServer';
import { createClient, type GlossaryClient } from '../src/client';
import { OPEN_SETTINGS, ServerController, SHOW_OUTPUT } from '../src/controller';
import { bundleCheck, findBundle, probePython } from '../src/pythonProbe';
import { EXTENSION_ROOT } from './support/packageJson';
import { eventually, testPython, withTimeout } from './support/serverProcess';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function fakeOutput(lines: string[]): vscode.OutputChannel {
  return {
    name: 'Glossary',
    append: (text: string) => lines.push(text),
    appendLine: (text: string) => lines.push(text),
    replace: () => undefined,
    clear: () => undefined,
    show: () => undefined,
    hide: () => undefined,
    dispose: () => undefined,
  };
}

function controllerFor(command: unknown, startTimeoutMs?: number, bundle?: () => Bundle | undefined) {
  const output: string[] = [];
  const errors: { message: string; actions: string[] }[] = [];
  const controller = new ServerController<GlossaryClient>({
    readCommandSetting: () => command,
    findPython: async () => (bundle ? [testPython(), '-I', '-S'] : undefined), // -S: no installed server
    probePython,
    bundle,
    bundleCheck,
    createClient: (launch) => createClient(launch, fakeOutput(output), () => ({}), () => ({})),
    showError: async (message, ...actions) => {
      errors.push({ message, actions });
      return undefined;
    },
    openSettings: () => undefined,
    showOutput: () => undefined,
    log: (line) => output.push(line),
  }, startTimeoutMs);
  return { controller, output, errors };
}

describe('starting the real language client', () => {
  test('a command that does not exist: one clear error', async () => {
    const { controller, errors } = controllerFor(['/nonexistent/glossary-lsp']);
    assert.equal(await withTimeout(controller.start(), 20_000, 'start'), undefined);
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /could not start the language server with `\/nonexistent\/glossary-lsp`/);
    assert.match(errors[0].message, /ENOENT/);
    assert.deepEqual(errors[0].actions, [OPEN_SETTINGS, SHOW_OUTPUT]);
  });

  test('a command that exits at once: one clear error, its stderr in the output', async () => {
    const { controller, errors, output } = controllerFor([
      testPython(),
      '-c',
      'import sys; sys.stderr.write("no glossary here\\n"); sys.exit(3)',
    ]);
    assert.equal(await withTimeout(controller.start(), 20_000, 'start'), undefined);
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /could not start the language server/);
    assert.match(errors[0].message, /Check the setting "glossaryLsp\.server\.command"/);
    assert.match(output.join(''), /no glossary here/);
  });

  test('a command that never answers: given up after the deadline, its process ended', async () => {
    const { controller, errors, output } = controllerFor(
      [
        testPython(),
        '-c',
        'import os, sys, time; print(f"pid={os.getpid()}", file=sys.stderr, flush=True); time.sleep(120)',
      ],
      1_000,
    );
    assert.equal(await withTimeout(controller.start(), 20_000, 'start'), undefined);
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /did not answer `initialize` within 1 s/);
    const pid = Number(/pid=(\d+)/.exec(output.join(''))?.[1]);
    assert.ok(pid > 0, `no pid in the output: ${output.join('')}`);
    await eventually(async () => !isAlive(pid), `process ${pid} to end`, 5_000);
  });

  test('the real server starts, and restarts', async () => {
    const { controller, errors } = controllerFor([testPython(), '-m', 'glossary_lsp']);
    const client = await withTimeout(controller.start(), 20_000, 'start');
    assert.ok(client, JSON.stringify(errors));
    assert.equal(client.initializeResult?.serverInfo?.name, 'glossary-lsp');
    const restarted = await withTimeout(controller.restart(), 20_000, 'restart');
    assert.ok(restarted);
    assert.notEqual(restarted, client);
    await withTimeout(controller.stop(), 20_000, 'stop');
    assert.deepEqual(errors, []);
  });

  test('a broken bundled library folder: one error with start.py\'s reason, and Restart Server works once it is whole', async () => {
    const whole = findBundle(EXTENSION_ROOT);
    assert.ok(whole, 'run `npm run package` first');
    const copy = mkdtempSync(join(tmpdir(), 'glossary-bundle-'));
    try {
      cpSync(join(EXTENSION_ROOT, 'bundled'), join(copy, 'bundled'), { recursive: true });
      rmSync(join(copy, 'bundled', 'libs', 'pygls'), { recursive: true });
      const broken = findBundle(copy);
      assert.ok(broken);
      let current: Bundle = broken;
      const { controller, errors } = controllerFor(undefined, 20_000, () => current);
      assert.equal(await withTimeout(controller.start(), 30_000, 'start'), undefined);
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.match(errors[0].message, /the language server the extension carries did not start/);
      assert.match(errors[0].message, /No module named 'pygls'/);
      assert.match(errors[0].message, /reinstall the extension/);
      assert.match(errors[0].message, /-m pip install glossary-lsp/);
      current = whole;
      const client = await withTimeout(controller.restart(), 30_000, 'restart');
      assert.ok(client, JSON.stringify(errors.slice(1)));
      assert.equal(client.initializeResult?.serverInfo?.name, 'glossary-lsp');
      await withTimeout(controller.stop(), 20_000, 'stop');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
