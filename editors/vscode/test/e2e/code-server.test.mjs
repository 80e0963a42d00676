// The packaged extension in a real VS Code (code-server, driven through headless Chromium by
// playwright-core), asserting on what a user sees. Set up by setup.sh (which writes env.sh);
// run with `node --test test/e2e/` after `npm run package`:
//
//   . "$(test/e2e/setup.sh | tail -n 1)/env.sh" && node --test test/e2e/
//
// The extension runs the server its .vsix carries, as a new user's VS Code does.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const EXTENSION = resolve(HERE, '..', '..');
const COURSE = resolve(EXTENSION, '..', '..', 'examples', 'course');
const WAIT_MS = Number(process.env.GLOSSARY_E2E_WAIT_MS || 60_000);
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: source the env.sh that test/e2e/setup.sh prints`);
  }
  return value;
}

function packagedVsix() {
  // the one `npm run package` builds for this machine (package:all leaves the others beside it)
  const name = readdirSync(EXTENSION).find((file) => file.endsWith(`-${process.platform}-${process.arch}-${version()}.vsix`));
  if (!name) {
    throw new Error('no .vsix in editors/vscode: run `npm run package` first');
  }
  return join(EXTENSION, name);
}

function version() {
  return JSON.parse(readFileSync(join(EXTENSION, 'package.json'), 'utf8')).version;
}

/** The environment without the PATH folders that hold a glossary-lsp, and without a venv. */
function withoutInstalledServer(env) {
  const { VIRTUAL_ENV: _venv, ...rest } = env;
  const path = (env.PATH ?? '')
    .split(delimiter)
    .filter((folder) => folder && !existsSync(join(folder, 'glossary-lsp')))
    .join(delimiter);
  return { ...rest, PATH: path };
}

async function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** The code-server's user settings: quiet, no AI side bar. No server command: the extension
 * starts the server it carries, with the first python3 >= 3.10 it finds. */
function userSettings() {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'editor.hover.delay': 100,
    // only the server's items in the completion list
    'editor.wordBasedSuggestions': 'off',
  };
}

async function waitForHttp(url, child, log) {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited (${child.exitCode}):\n${log()}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`code-server did not answer at ${url}:\n${log()}`);
}

/** Clicks into the middle of the first occurrence of `needle` among the visible lines of `scope`
 * (the cursor goes there), then shows the hover there as the keyboard does (Ctrl+K Ctrl+I). */
async function hoverText(page, scope, needle) {
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').first();
  const deadline = Date.now() + WAIT_MS;
  // asked again while the server starts: until then the editor has no hover to show
  for (;;) {
    await clickText(page, scope, needle);
    await runCommand(page, 'Show or Focus Hover');
    try {
      await hover.waitFor({ state: 'visible', timeout: 3000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
    }
  }
  await page.waitForFunction(
    () => !/Loading/.test(document.querySelector('.monaco-hover-content')?.textContent ?? ''),
    undefined,
    { timeout: WAIT_MS },
  );
  const text = await hover.innerText();
  await page.keyboard.press('Escape');
  return text;
}

async function clickText(page, scope, needle) {
  const box = await page.waitForFunction(
    ([selector, text]) => {
      for (const line of document.querySelectorAll(`${selector} .view-line`)) {
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        let content = '';
        const nodes = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          nodes.push([node, content.length]);
          content += node.textContent.replace(/\u00a0/g, ' ');
        }
        const at = content.indexOf(text);
        if (at < 0) {
          continue;
        }
        const middle = at + Math.floor(text.length / 2);
        const [node, start] = nodes.findLast(([, offset]) => offset <= middle);
        const range = document.createRange();
        range.setStart(node, middle - start);
        range.setEnd(node, middle - start + 1);
        const rect = range.getBoundingClientRect();
        return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
      }
      return null;
    },
    [scope, needle],
    { timeout: WAIT_MS },
  );
  const { x, y } = await box.jsonValue();
  await page.mouse.click(x, y);
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: WAIT_MS });
  await input.fill(`>${title}`);
  await page
    .locator('.quick-input-widget .monaco-list-row', { hasText: title })
    .first()
    .waitFor({ timeout: WAIT_MS });
  await page.keyboard.press('Enter');
}

/** Opens a file of the course by clicking it in the Explorer. */
async function openFile(page, name) {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click();
  await activeTab(page, name);
}

/** The active tab's label once it names `name` (its text is split into name and extension). */
async function activeTab(page, name) {
  const stem = name.slice(0, name.lastIndexOf('.'));
  const tab = page.locator('.tabs-container .tab.active', { hasText: stem });
  await tab.waitFor({ timeout: WAIT_MS });
  return (await tab.innerText()).replace(/\s+/g, '');
}

/**
 * Clicks a row of a tree view until `name` is the active tab: a view refreshed while the
 * click lands (the server tells the course changed as indexing ends) re-renders its rows and
 * the click opens nothing, which a loaded machine makes likely.
 */
async function clickUntilTab(page, row, name) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    await row.click();
    try {
      const stem = name.slice(0, name.lastIndexOf('.'));
      await page.locator('.tabs-container .tab.active', { hasText: stem }).waitFor({ timeout: 5000 });
      return activeTab(page, name);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

/** Ends a detached child's whole process group: SIGTERM, then SIGKILL after a grace period. */
async function stopGroup(child) {
  const signal = (name) => {
    try {
      process.kill(-child.pid, name);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  if (!signal('SIGTERM')) {
    return;
  }
  for (let waited = 0; waited < 5000; waited += 100) {
    await new Promise((done) => setTimeout(done, 100));
    if (!signal(0)) {
      return;
    }
  }
  signal('SIGKILL');
}

describe('the packaged extension in code-server', { timeout: 10 * 60_000 }, () => {
  let root;
  let codeServer;
  let browser;
  let page;
  let codeServerLog = '';

  before(async () => {
    const node = required('GLOSSARY_E2E_NODE');
    const entry = required('GLOSSARY_E2E_CODE_SERVER');
    const { chromium } = createRequire(import.meta.url)(required('GLOSSARY_E2E_PLAYWRIGHT'));
    root = mkdtempSync(join(tmpdir(), 'glossary-e2e-'));
    const course = join(root, 'course');
    cpSync(COURSE, course, { recursive: true });
    // code-server windows are remote ones: machine-scoped settings (server.command) are read
    // from the Machine settings, the others from User.
    for (const scope of ['User', 'Machine']) {
      mkdirSync(join(root, 'user', scope), { recursive: true });
      writeFileSync(join(root, 'user', scope, 'settings.json'), JSON.stringify(userSettings()));
    }
    const dirs = ['--user-data-dir', join(root, 'user'), '--extensions-dir', join(root, 'ext')];
    // A new user's machine: no glossary-lsp installed, so the bundled one runs (an installed
    // one as new as the bundle would win, and CI's virtual environment has one).
    const env = { ...withoutInstalledServer(process.env), HOME: root, XDG_CONFIG_HOME: join(root, 'config') };
    const installed = spawnSync(node, [entry, ...dirs, '--install-extension', packagedVsix()], {
      env,
      encoding: 'utf8',
    });
    assert.equal(installed.status, 0, `${installed.stdout}\n${installed.stderr}`);

    const port = await freePort();
    codeServer = spawn(
      node,
      [
        entry,
        ...dirs,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
      ],
      // its own process group: the extension host and the server it starts end with it
      { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const collect = (chunk) => {
      codeServerLog += chunk;
    };
    codeServer.stdout.on('data', collect);
    codeServer.stderr.on('data', collect);
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/healthz`, codeServer, () => codeServerLog);

    browser = await chromium.launch({
      executablePath: required('GLOSSARY_E2E_CHROMIUM'),
      args: CHROMIUM_FLAGS, // launch() gives the browser a fresh profile of its own
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${base}/?folder=${encodeURIComponent(course)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: WAIT_MS });
    await openFile(page, '04-high-level-overview.md');
  });

  afterEach(async (context) => {
    if (page && process.env.GLOSSARY_E2E_SCREENSHOTS) {
      const name = context.name.replace(/[^\w]+/g, '-').slice(0, 60);
      await page.screenshot({ path: join(process.env.GLOSSARY_E2E_SCREENSHOTS, `${name}.png`) });
    }
  });

  after(async () => {
    if (page && process.env.GLOSSARY_E2E_SCREENSHOTS) {
      await page.screenshot({ path: join(process.env.GLOSSARY_E2E_SCREENSHOTS, 'last.png') });
    }
    await browser?.close();
    if (codeServer) {
      await stopGroup(codeServer);
    }
    if (root) {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('hover over a term shows its expansion', async () => {
    const text = await hoverText(page, '.editor-instance', 'prefill)');
    assert.match(text, /Prefill/);
  });

  test('F12 on a term opens the notebook that introduces it', async () => {
    await clickText(page, '.editor-instance', 'prefill)');
    await page.keyboard.press('F12');
    assert.match(await activeTab(page, '06-serving.ipynb'), /06-serving\.ipynb/);
  });

  test('a notebook Markdown cell being edited answers hover', async () => {
    // the first cell's rendered Markdown lives in a webview: double-click edits it
    const output = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await output.getByText('Serving', { exact: false }).first().dblclick({ timeout: WAIT_MS });
    const text = await hoverText(page, '.notebook-editor .cell-editor-container', 'prefill');
    assert.match(text, /Prefill/);
    await page.keyboard.press('Escape');
  });

  test('completion of GRP shows GRPO in the first row', async () => {
    await openFile(page, '04-high-level-overview.md');
    await page.locator('.editor-instance .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('We train with GRP');
    const first = page.locator('.suggest-widget.visible .monaco-list-row[data-index="0"]');
    const deadline = Date.now() + WAIT_MS;
    // asked again while the server starts: until then the list is empty
    for (;;) {
      await page.keyboard.press('Control+Space');
      try {
        await first.waitFor({ timeout: 3000 });
        break;
      } catch (error) {
        if (Date.now() > deadline) {
          throw error;
        }
        await page.keyboard.press('Escape');
      }
    }
    const label = await first.locator('.label-name').innerText();
    assert.equal(label.trim(), 'GRPO');
    await page.keyboard.press('Escape');
  });

  test('"Glossary: Look up term…" lists the terms and opens the first introduction', async () => {
    await runCommand(page, 'Glossary: Look up term');
    const input = page.locator('.quick-input-widget input');
    await page
      .locator('.quick-input-widget .monaco-list-row')
      .first()
      .waitFor({ timeout: WAIT_MS });
    await input.fill('FSDP');
    const row = page.locator('.quick-input-widget .monaco-list-row').first();
    await row.locator('.label-name', { hasText: 'FSDP' }).waitFor({ timeout: WAIT_MS });
    assert.match(await row.innerText(), /Fully Sharded Data Parallel/);
    await page.keyboard.press('Enter');
    assert.match(await activeTab(page, '05-distributed-training.md'), /05-distributed/);
  });

  test('the status bar tells the course order source once indexed', async () => {
    const item = page.locator('.statusbar-item', { hasText: 'Course: 6 modules from folders' });
    await item.waitFor({ timeout: WAIT_MS });
  });

  test('the Explorer\'s Course view lists the modules in order; a term opens its introduction', async () => {
    const header = page.locator('.pane-header', { hasText: /^Course/ }).first();
    await header.waitFor({ timeout: WAIT_MS });
    if ((await header.getAttribute('aria-expanded')) !== 'true') {
      await header.click();
    }
    const view = page.locator('.pane', { has: header });
    const rows = view.locator('.monaco-list-row');
    await rows.nth(5).waitFor({ timeout: WAIT_MS });
    const labels = await rows.locator('.label-name').allInnerTexts();
    assert.deepEqual(
      labels.map((label) => label.trim()),
      [
        '🔤 Tokenization', // the first heading wins over front matter's title (issue 10)
        '📊 Embeddings',
        '🎯 Self-Attention',
        '🏗️ High-Level Overview',
        '🖥️ Distributed Training',
        '🚀 Serving',
      ],
    );
    assert.match(await clickUntilTab(page, rows.nth(5), '06-serving.ipynb'), /06-serving\.ipynb/);
    // a term of Distributed Training opens that module where it introduces the term
    const distributed = view.locator('.monaco-list-row', { hasText: 'Distributed Training' }).first();
    const deadline = Date.now() + WAIT_MS;
    while ((await distributed.getAttribute('aria-expanded')) !== 'true' && Date.now() < deadline) {
      await distributed.locator('.monaco-tl-twistie').click();
      await page.waitForTimeout(500);
    }
    // the row right under the module (rows are positioned, not in DOM order: go by data-index)
    const index = Number(await distributed.getAttribute('data-index'));
    const term = view.locator(`.monaco-list-row[data-index="${index + 1}"][aria-level="2"]`);
    await term.waitFor({ timeout: WAIT_MS });
    assert.match(
      await clickUntilTab(page, term, '05-distributed-training.md'),
      /05-distributed-training\.md/,
    );
  });

  test('the server running is the one the .vsix carries', async () => {
    await runCommand(page, 'Glossary: Show Output');
    const output = page.locator('.part.panel .view-lines');
    await output.filter({ hasText: 'bundled/start.py' }).first().waitFor({ timeout: WAIT_MS });
    const text = (await output.first().innerText()).replace(/\s+/g, ' '); // lines wrap
    assert.match(text, /Starting the server: \S+ \S+\/bundled\/start\.py --stdio \(bundled\)/);
  });

  test('server.command pointing at a folder: a clear error; removed, "Restart Server" brings hover back', async () => {
    const machine = join(root, 'user', 'Machine', 'settings.json');
    const folder = join(root, 'course');
    writeFileSync(machine, JSON.stringify({ ...userSettings(), 'glossaryLsp.server.command': folder }));
    // the setting's change restarts the server by itself
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'points at the folder' });
    await toast.first().waitFor({ timeout: WAIT_MS });
    assert.match(await toast.first().innerText(), /glossaryLsp\.server\.command" points at the folder/);
    writeFileSync(machine, JSON.stringify(userSettings()));
    await runCommand(page, 'Glossary: Restart Server');
    await openFile(page, '04-high-level-overview.md');
    await page.locator('.editor-instance .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    // near the top: the Output panel is open and the editor shows fewer lines
    const text = await hoverText(page, '.editor-instance', '(MLP)');
    assert.match(text, /perceptron|MLP/i);
  });
});

