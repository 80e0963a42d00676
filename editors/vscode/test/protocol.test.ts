/**
 * The real server, started as the extension starts it (same command resolution, the same
 * initializationOptions and the client capabilities vscode-languageclient 9 computes), on the
 * sample course: hover, definition and completion in a Markdown file and in a notebook.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type {
  CompletionItem,
  CompletionList,
  Definition,
  DefinitionLink,
  Hover,
  InitializeResult,
  Location,
  MarkupContent,
  Position,
} from 'vscode-languageserver-protocol';
import { FIRST_INTRODUCTION_COMMAND, TERMS_PARAMS, TERMS_REQUEST, termItems } from '../src/lookUp';
import { NOTEBOOK_TYPE } from '../src/selectors';
import { readServerSettings, SECTION } from '../src/settings';
import { EXTENSION_ROOT } from './support/packageJson';
import { eventually, extensionLaunch, type Server, startServer, withTimeout } from './support/serverProcess';
import { vscodeClientCapabilities } from './support/vscodeClient';

const COURSE = join(EXTENSION_ROOT, '..', '..', 'examples', 'course');
const courseUri = (name: string) => pathToFileURL(join(COURSE, name)).href;
const courseText = (name: string) => readFileSync(join(COURSE, name), 'utf8');
const REQUEST_MS = 20_000;

/** Where `needle` (the `nth` match, 0-based) starts, as an LSP position in UTF-16 code units. */
function positionOf(text: string, needle: string, nth = 0): Position {
  let offset = -1;
  for (let i = 0; i <= nth; i++) {
    offset = text.indexOf(needle, offset + 1);
    assert.notEqual(offset, -1, `${JSON.stringify(needle)} not found`);
  }
  const before = text.slice(0, offset).split('\n');
  // JavaScript strings are UTF-16, so string lengths are the columns VS Code sends.
  return { line: before.length - 1, character: before[before.length - 1].length };
}

function inside(position: Position, by = 1): Position {
  return { line: position.line, character: position.character + by };
}

function hoverText(hover: Hover | null): string {
  assert.ok(hover, 'expected a hover');
  const contents = hover.contents as MarkupContent;
  assert.equal(contents.kind, 'markdown');
  return contents.value;
}

function firstLocation(answer: Definition | DefinitionLink[] | null): Location {
  assert.ok(answer, 'expected a definition');
  const first = Array.isArray(answer) ? answer[0] : answer;
  assert.ok(first, 'expected at least one location');
  if ('targetUri' in first) {
    return { uri: first.targetUri, range: first.targetSelectionRange };
  }
  return first;
}

function labels(answer: CompletionList | CompletionItem[] | null): string[] {
  assert.ok(answer, 'expected completions');
  const items = Array.isArray(answer) ? answer : answer.items;
  return items.map((item) => item.label);
}

type Notebook = { cells: { cell_type: string; source: string[] | string }[]; metadata: object };

/** A cell URI the way VS Code sends them: the notebook's path, a per-cell fragment (percent-encoded). */
function cellUri(notebookPath: string, index: number): string {
  return `vscode-notebook-cell:${pathToFileURL(notebookPath).pathname}#W${index}sZmlsZQ%3D%3D`;
}

describe('the server as the VS Code extension runs it', () => {
  let server: Server;
  let initialized: InitializeResult;
  const shownMessages: { type: number; message: string }[] = [];
  // A user who set nothing: the extension sends no values, the server uses its defaults.
  const settings = readServerSettings(() => undefined).settings;

  before(async () => {
    const launch = await extensionLaunch();
    assert.equal(
      launch.source,
      'python',
      `glossary_lsp is not importable by ${launch.command}; set GLOSSARY_LSP_PYTHON`,
    );
    server = startServer(launch, COURSE);
    const { connection } = server;
    // The server reports indexing the course as work-done progress, as VS Code shows it.
    const indexed = new Promise<void>((resolve) => {
      connection.onNotification('$/progress', (params: { value?: { kind?: string } }) => {
        if (params.value?.kind === 'end') {
          resolve();
        }
      });
    });
    connection.onNotification('window/showMessage', (params: { type: number; message: string }) => {
      shownMessages.push(params);
    });
    connection.onRequest((method: string, params: unknown) => {
      if (method === 'workspace/configuration') {
        // What VS Code answers, passed through the extension's middleware.
        const items = (params as { items: { section?: string }[] }).items;
        return items.map((item) =>
          item.section === SECTION ? settings : null,
        );
      }
      return null; // registerCapability, workDoneProgress/create, refreshes: accepted
    });
    initialized = await withTimeout(
      connection.sendRequest('initialize', {
        processId: process.pid,
        clientInfo: { name: 'Visual Studio Code', version: '1.82.0' },
        locale: 'en',
        rootPath: COURSE,
        rootUri: pathToFileURL(COURSE).href,
        capabilities: vscodeClientCapabilities(),
        initializationOptions: settings,
        trace: 'off',
        workspaceFolders: [{ uri: pathToFileURL(COURSE).href, name: 'course' }],
      }),
      REQUEST_MS,
      'initialize',
    );
    await connection.sendNotification('initialized', {});
    await withTimeout(indexed, REQUEST_MS, 'indexing the course');
  });

  /** A request to the server, bounded in time so a hung server fails the test instead. */
  function request<T = unknown>(method: string, params?: object): Promise<T> {
    const sent =
      params === undefined
        ? server.connection.sendRequest<T>(method)
        : server.connection.sendRequest<T>(method, params);
    return withTimeout(sent, REQUEST_MS, method);
  }

  after(async () => {
    await server?.stop();
  });

  test('negotiates UTF-16 and advertises the features and notebook sync the client uses', () => {
    const capabilities = initialized.capabilities;
    assert.ok([undefined, 'utf-16'].includes(capabilities.positionEncoding));
    assert.ok(capabilities.hoverProvider);
    assert.ok(capabilities.definitionProvider);
    assert.ok(capabilities.completionProvider);
    assert.ok(capabilities.executeCommandProvider?.commands.includes(FIRST_INTRODUCTION_COMMAND));
    const selectors = JSON.stringify(capabilities.notebookDocumentSync);
    assert.match(selectors, new RegExp(NOTEBOOK_TYPE));
    assert.match(selectors, /"markdown"/);
    assert.match(selectors, /"python"/);
  });

  describe('in a Markdown module', () => {
    const overview = '04-high-level-overview.md';
    const overviewText = courseText(overview);

    before(async () => {
      await server.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: courseUri(overview), languageId: 'markdown', version: 1, text: overviewText },
      });
    });

    test('hover names the canonical term', async () => {
      const hover = await eventually<Hover>(
        () =>
          request('textDocument/hover', {
            textDocument: { uri: courseUri(overview) },
            position: inside(positionOf(overviewText, 'prefill')),
          }),
        'hover on "prefill"',
      );
      assert.match(hoverText(hover), /Prefill/);
    });

    test('definition goes to the first introduction in the notebook that owns the term', async () => {
      const answer = await eventually<Definition | DefinitionLink[]>(
        () =>
          request('textDocument/definition', {
            textDocument: { uri: courseUri(overview) },
            position: inside(positionOf(overviewText, 'prefill')),
          }),
        'definition of "prefill"',
      );
      const location = firstLocation(answer);
      assert.equal(location.uri, courseUri('06-serving.ipynb'));
      const targetLine = courseText('06-serving.ipynb').split('\n')[location.range.start.line];
      assert.match(targetLine, /\*\*prefill\*\*/);
    });

    test('a term after an emoji is found at its UTF-16 column', async () => {
      const module = '05-distributed-training.md';
      const text = courseText(module);
      await server.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: courseUri(module), languageId: 'markdown', version: 1, text },
      });
      const position = positionOf(text, '🖥️ FSDP shards');
      const hover = await eventually<Hover>(
        () =>
          request('textDocument/hover', {
            textDocument: { uri: courseUri(module) },
            position: { line: position.line, character: position.character + '🖥️ '.length + 1 },
          }),
        'hover on FSDP after 🖥️',
      );
      assert.match(hoverText(hover), /FSDP/);
      assert.match(hoverText(hover), /Fully Sharded Data Parallel/);
    });

    test('completion offers the canonical term', async () => {
      const uri = 'untitled:Untitled-1';
      const text = 'Servers split every request into two phases.\nThe first one is called pref';
      await server.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'markdown', version: 1, text },
      });
      const answer = await eventually<CompletionList>(
        async () => {
          const list = await request<CompletionList>('textDocument/completion', {
            textDocument: { uri },
            position: { line: 1, character: 'The first one is called pref'.length },
            context: { triggerKind: 1 },
          });
          return labels(list).includes('Prefill') ? list : null;
        },
        'completion of "pref"',
      );
      assert.equal(answer.isIncomplete, true);
      assert.ok(labels(answer).includes('Prefill'));
    });
  });

  describe('in a notebook opened with notebook sync', () => {
    const name = '06-serving.ipynb';
    const path = join(COURSE, name);
    const notebook = JSON.parse(courseText(name)) as Notebook;
    const cells = notebook.cells.map((cell, index) => ({
      uri: cellUri(path, index),
      kind: cell.cell_type === 'markdown' ? 1 : 2,
      languageId: cell.cell_type === 'markdown' ? 'markdown' : 'python',
      text: Array.isArray(cell.source) ? cell.source.join('') : cell.source,
    }));
    const markdownCell = (needle: string) => {
      const index = cells.findIndex((cell) => cell.kind === 1 && cell.text.includes(needle));
      assert.notEqual(index, -1, `no Markdown cell contains ${needle}`);
      return { index, ...cells[index] };
    };

    before(async () => {
      assert.ok(cells.some((cell) => cell.languageId === 'python'), 'the notebook has code cells');
      await server.connection.sendNotification('notebookDocument/didOpen', {
        notebookDocument: {
          uri: courseUri(name),
          notebookType: NOTEBOOK_TYPE,
          version: 0,
          metadata: notebook.metadata,
          cells: cells.map((cell) => ({ kind: cell.kind, document: cell.uri })),
        },
        cellTextDocuments: cells.map((cell) => ({
          uri: cell.uri,
          languageId: cell.languageId,
          version: 1,
          text: cell.text,
        })),
      });
    });

    test('hover in a Markdown cell names the canonical term', async () => {
      const cell = markdownCell('**prefill**');
      const hover = await eventually<Hover>(
        () =>
          request('textDocument/hover', {
            textDocument: { uri: cell.uri },
            position: inside(positionOf(cell.text, 'prefill')),
          }),
        'hover on "prefill" in a cell',
      );
      assert.match(hoverText(hover), /Prefill/);
    });

    test('definition lands in the cell that introduces the term', async () => {
      const cell = markdownCell('**continuous batching**');
      const answer = await eventually<Definition | DefinitionLink[]>(
        () =>
          request('textDocument/definition', {
            textDocument: { uri: cell.uri },
            position: inside(positionOf(cell.text, 'continuous batching')),
          }),
        'definition of "continuous batching"',
      );
      const location = firstLocation(answer);
      assert.equal(location.uri, cell.uri);
      assert.deepEqual(location.range.start, positionOf(cell.text, 'continuous batching'));
    });

    test('definition from a Markdown file lands in the open notebook cell', async () => {
      const overviewText = courseText('04-high-level-overview.md');
      const location = firstLocation(
        await request('textDocument/definition', {
          textDocument: { uri: courseUri('04-high-level-overview.md') },
          position: inside(positionOf(overviewText, 'prefill')),
        }),
      );
      const cell = markdownCell('**prefill**');
      assert.equal(location.uri, cell.uri);
      assert.deepEqual(location.range.start, positionOf(cell.text, 'prefill'));
    });

    test('completion in an edited Markdown cell offers the canonical term', async () => {
      const cell = markdownCell('## Checklist');
      const end = positionOf(cell.text + '\u0000', '\u0000');
      const typed = '\n- Schedule with continuous bat';
      await server.connection.sendNotification('notebookDocument/didChange', {
        notebookDocument: { uri: courseUri(name), version: 1 },
        change: {
          cells: {
            textContent: [
              {
                document: { uri: cell.uri, version: 2 },
                changes: [{ range: { start: end, end }, text: typed }],
              },
            ],
          },
        },
      });
      const edited = cell.text + typed;
      const list = await request<CompletionList>('textDocument/completion', {
        textDocument: { uri: cell.uri },
        position: positionOf(edited + '\u0000', '\u0000'),
        context: { triggerKind: 1 },
      });
      assert.ok(labels(list).includes('Continuous batching'), JSON.stringify(labels(list)));
    });

    test('requests on a Python cell are answered without error', async () => {
      const code = cells.find((cell) => cell.languageId === 'python');
      assert.ok(code);
      await request('textDocument/hover', {
        textDocument: { uri: code.uri },
        position: { line: 0, character: 1 },
      });
    });
  });

  test('"Look up term…": the terms request and the first-introduction command', async () => {
    const items = termItems(await request(TERMS_REQUEST, TERMS_PARAMS));
    const prefill = items.find((item) => item.label === 'Prefill');
    assert.ok(prefill, 'the workspace glossary term is listed');
    assert.match(prefill.detail ?? '', /Serving/);
    const location = (await request('workspace/executeCommand', {
      command: FIRST_INTRODUCTION_COMMAND,
      arguments: ['Reduce-scatter'],
    })) as Location | null;
    assert.ok(location);
    assert.equal(location.uri, courseUri('05-distributed-training.md'));
    const line = courseText('05-distributed-training.md').split('\n')[location.range.start.line];
    assert.match(line, /reduce-scatter/);
  });

  test('the server raised no error or warning messages', () => {
    assert.deepEqual(
      shownMessages.filter((message) => message.type <= 2),
      [],
      `stderr:\n${server.stderr()}`,
    );
  });
});
