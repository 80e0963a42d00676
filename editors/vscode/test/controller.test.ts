import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ClientLike,
  type ControllerDeps,
  OPEN_SETTINGS,
  RestartPolicy,
  ServerController,
  SHOW_OUTPUT,
} from '../src/controller';
import type { Launch } from '../src/serverCommand';

class FakeClient implements ClientLike {
  disposed = false;
  constructor(
    readonly launch: Launch,
    private readonly failure?: Error | 'hang',
  ) {}
  async start(): Promise<void> {
    if (this.failure === 'hang') {
      return new Promise(() => undefined);
    }
    if (this.failure) {
      throw this.failure;
    }
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

type Harness = {
  controller: ServerController<FakeClient>;
  clients: FakeClient[];
  errors: { message: string; actions: string[] }[];
  calls: string[];
  setting: { value: unknown };
  failNext: (error?: Error | 'hang') => void;
};

type HarnessOptions = { python?: string[]; pythonHasServer?: boolean; answer?: string; startTimeoutMs?: number };

function harness(options: HarnessOptions = {}): Harness {
  const clients: FakeClient[] = [];
  const errors: { message: string; actions: string[] }[] = [];
  const calls: string[] = [];
  const setting = { value: undefined as unknown };
  let failure: Error | 'hang' | undefined;
  const deps: ControllerDeps<FakeClient> = {
    readCommandSetting: () => setting.value,
    findPython: async () => options.python,
    probePython: async () => ({ version: [3, 12, 0], server: options.pythonHasServer ? '0.1.0' : undefined }),
    serverOnPath: async () => ({ command: '/usr/bin/glossary-lsp', version: '0.1.0' }),
    createClient: (launch) => {
      const client = new FakeClient(launch, failure);
      clients.push(client);
      return client;
    },
    showError: async (message, ...actions) => {
      errors.push({ message, actions });
      return options.answer;
    },
    openSettings: () => calls.push('openSettings'),
    showOutput: () => calls.push('showOutput'),
    log: () => undefined,
  };
  return {
    controller: new ServerController(deps, options.startTimeoutMs),
    clients,
    errors,
    calls,
    setting,
    failNext: (error) => {
      failure = error;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ServerController', () => {
  test('starts the Python extension interpreter when it has the server', async () => {
    const h = harness({ python: ['/venv/bin/python'], pythonHasServer: true });
    const client = await h.controller.start();
    assert.ok(client);
    assert.deepEqual(client.launch, { command: '/venv/bin/python', args: ['-m', 'glossary_lsp'], source: 'python', python: ['/venv/bin/python'] });
    assert.equal(h.controller.client, client);
    assert.equal(await h.controller.start(), client, 'a second start reuses the running client');
    assert.deepEqual(h.errors, []);
  });

  test('a server that fails to start gives one clear error with install advice', async () => {
    const h = harness({ answer: OPEN_SETTINGS });
    h.failNext(new Error('Launching server using command glossary-lsp failed. Error: spawn glossary-lsp ENOENT'));
    assert.equal(await h.controller.start(), undefined);
    await settle();
    assert.equal(h.errors.length, 1);
    assert.match(h.errors[0].message, /could not start the language server with `\/usr\/bin\/glossary-lsp`/);
    assert.match(h.errors[0].message, /pip install --force-reinstall glossary-lsp/);
    assert.deepEqual(h.errors[0].actions, [OPEN_SETTINGS, SHOW_OUTPUT]);
    assert.deepEqual(h.calls, ['openSettings'], 'the button opens the settings');
    assert.equal(h.clients[0].disposed, true);
    assert.equal(h.controller.client, undefined);
  });

  test('a server that never answers initialize is given up after the deadline', async () => {
    const h = harness({ startTimeoutMs: 50 });
    h.failNext('hang');
    assert.equal(await h.controller.start(), undefined);
    assert.equal(h.errors.length, 1);
    assert.match(h.errors[0].message, /did not answer `initialize` within 0\.05 s/);
    assert.equal(h.clients[0].disposed, true);
    h.failNext(undefined);
    assert.ok(await h.controller.restart(), 'restart still works');
  });

  test('"Show Output" on the error shows the output', async () => {
    const h = harness({ answer: SHOW_OUTPUT });
    h.failNext(new Error('Connection got disposed.'));
    await h.controller.start();
    await settle();
    assert.deepEqual(h.calls, ['showOutput']);
  });

  test('an invalid command setting is reported and nothing is started', async () => {
    const h = harness();
    h.setting.value = 42;
    assert.equal(await h.controller.start(), undefined);
    assert.equal(h.clients.length, 0);
    assert.equal(h.errors.length, 1);
    assert.match(h.errors[0].message, /"glossaryLsp\.server\.command" is invalid: it is 42/);
    assert.deepEqual(h.errors[0].actions, [OPEN_SETTINGS]);
  });

  test('restart works after a failed start, with the settings of the moment', async () => {
    const h = harness();
    h.setting.value = 42;
    await h.controller.start();
    h.setting.value = ['/fixed/python', '-m', 'glossary_lsp'];
    const client = await h.controller.restart();
    assert.ok(client);
    assert.equal(client.launch.command, '/fixed/python');
    assert.equal(client.launch.source, 'setting');
  });

  test('restart disposes the running client before starting a new one', async () => {
    const h = harness();
    const first = await h.controller.start();
    const second = await h.controller.restart();
    assert.ok(first && second);
    assert.notEqual(first, second);
    assert.equal(first.disposed, true);
    assert.equal(second.disposed, false);
    await h.controller.stop();
    assert.equal(second.disposed, true);
    assert.equal(h.controller.client, undefined);
  });

  test('a new Python interpreter restarts a server found through the interpreter', async () => {
    const h = harness({ python: ['/old/python'], pythonHasServer: true });
    const first = await h.controller.start();
    const second = await h.controller.pythonInterpreterChanged();
    assert.ok(first && second);
    assert.notEqual(first, second);
    assert.equal(first.disposed, true);
    assert.equal(h.clients.length, 2);
  });

  test('a new Python interpreter leaves a configured server command alone', async () => {
    const h = harness({ python: ['/old/python'], pythonHasServer: true });
    h.setting.value = ['/fixed/python', '-m', 'glossary_lsp'];
    const first = await h.controller.start();
    const same = await h.controller.pythonInterpreterChanged();
    assert.equal(same, first);
    assert.equal(h.clients.length, 1);
  });

  test('concurrent restarts run one after the other', async () => {
    const h = harness();
    await Promise.all([h.controller.restart(), h.controller.restart(), h.controller.restart()]);
    assert.equal(h.clients.length, 3);
    assert.deepEqual(
      h.clients.map((client) => client.disposed),
      [true, true, false],
    );
  });
});

describe('RestartPolicy', () => {
  test('allows a few restarts, then stops a crash loop, and forgets old crashes', () => {
    let now = 0;
    const policy = new RestartPolicy(2, 1_000, () => now);
    assert.equal(policy.shouldRestart(), true);
    now = 100;
    assert.equal(policy.shouldRestart(), true);
    now = 200;
    assert.equal(policy.shouldRestart(), false);
    now = 1_200;
    assert.equal(policy.shouldRestart(), true);
  });
});
