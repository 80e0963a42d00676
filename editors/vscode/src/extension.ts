import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  type Location,
} from 'vscode-languageclient/node';
import { CLIENT_NAME, createClient, type GlossaryClient } from './client';
import { ServerController } from './controller';
import { CourseView, COURSE_VIEW_ID, OPEN_INTRODUCTION_COMMAND } from './courseView';
import {
  FIRST_INTRODUCTION_COMMAND,
  TERMS_PARAMS,
  TERMS_REQUEST,
  type TermItem,
  termItems,
} from './lookUp';
import { platformOf } from './discovery';
import { bundleCheck, findBundle, installedServer, isDirectory, pathPythons, probePython } from './pythonProbe';
import { activePythonCommand, watchPythonInterpreter } from './pythonExtension';
import { readServerSettings, SECTION, type ServerSettings, userValue } from './settings';

let controller: ServerController<GlossaryClient> | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(output);
  const log = (line: string) => output.appendLine(line);
  const warnings = new SettingsWarnings();
  const courseView = new CourseView(log);
  context.subscriptions.push(courseView, vscode.window.registerTreeDataProvider(COURSE_VIEW_ID, courseView));

  const serverController = new ServerController<GlossaryClient>({
    readCommandSetting: () => vscode.workspace.getConfiguration(SECTION).get('server.command'),
    findPython: () => activePythonCommand(vscode.workspace.workspaceFolders?.[0]?.uri, log),
    probePython,
    bundle: () => findBundle(context.extensionPath),
    pathPythons: () => pathPythons((vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath)),
    serverOnPath: installedServer,
    bundleCheck,
    isDirectory,
    platform: platformOf(),
    createClient: (launch) => {
      const client = createClient(launch, output, warnings.reportFromEditor, readUserSection);
      courseView.attach(client);
      return client;
    },
    showError: (message, ...actions) => vscode.window.showErrorMessage(message, ...actions),
    openSettings: openSettings,
    showOutput: () => output.show(true),
    log,
  });
  controller = serverController;

  context.subscriptions.push(
    vscode.commands.registerCommand('glossaryLsp.restartServer', () => serverController.restart()),
    vscode.commands.registerCommand('glossaryLsp.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('glossaryLsp.lookUpTerm', () => lookUpTerm(serverController)),
    vscode.commands.registerCommand('glossaryLsp.refreshCourse', () =>
      courseView.refresh(serverController.client),
    ),
    vscode.commands.registerCommand(OPEN_INTRODUCTION_COMMAND, (term: unknown) =>
      typeof term === 'string' ? openFirstIntroduction(serverController, term) : undefined,
    ),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.server`)) {
        void serverController.restart();
      } else if (event.affectsConfiguration(SECTION)) {
        // Sent already validated, so the server never sees (and warns about) a broken value.
        const settings = warnings.reportFromEditor();
        void serverController.client?.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [SECTION]: settings },
        });
      }
    }),
  );
  warnings.reportFromEditor();
  await serverController.start();
  const interpreterWatch = watchPythonInterpreter(
    () => void serverController.pythonInterpreterChanged(),
    log,
  );
  if (interpreterWatch) {
    context.subscriptions.push(interpreterWatch);
  }
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
  controller = undefined;
}

/** Validates the glossaryLsp settings and warns once per distinct set of problems. */
class SettingsWarnings {
  private lastShown = '';

  readonly reportFromEditor = (): ServerSettings => {
    const { settings, problems } = readUserSettings();
    const text = problems.join(' ');
    if (text !== '' && text !== this.lastShown) {
      void vscode.window.showWarningMessage(`Glossary: ${text}`, 'Open Settings').then((choice) => {
        if (choice) {
          openSettings();
        }
      });
    }
    this.lastShown = text;
    return settings;
  };
}

/** Only what the user set (user, workspace or folder settings): the defaults are the server's. */
function readUserSettings(scope?: vscode.Uri): ReturnType<typeof readServerSettings> {
  const configuration = vscode.workspace.getConfiguration(SECTION, scope);
  return readServerSettings((key) => userValue(configuration.inspect(key)));
}

function readUserSection(scopeUri: string | undefined): ServerSettings {
  return readUserSettings(scopeUri ? vscode.Uri.parse(scopeUri) : undefined).settings;
}

function openSettings(): void {
  void vscode.commands.executeCommand('workbench.action.openSettings', `@ext:glossary-lsp.glossary-lsp ${SECTION}`);
}

async function lookUpTerm(serverController: ServerController<GlossaryClient>): Promise<void> {
  const client = await serverController.start();
  if (!client) {
    return; // the controller has already said why
  }
  const items = termItems(await client.sendRequest(TERMS_REQUEST, TERMS_PARAMS));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Glossary: the glossary has no terms.');
    return;
  }
  const picked = await vscode.window.showQuickPick<TermItem & vscode.QuickPickItem>(items, {
    title: 'Glossary: Look up term',
    placeHolder: 'Type a term, or part of its expansion',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (picked) {
    await openFirstIntroduction(serverController, picked.term);
  }
}

async function openFirstIntroduction(
  serverController: ServerController<GlossaryClient>,
  term: string,
): Promise<void> {
  const client = await serverController.start();
  if (!client) {
    return;
  }
  const location = (await client.sendRequest(ExecuteCommandRequest.type, {
    command: FIRST_INTRODUCTION_COMMAND,
    arguments: [term],
  })) as Location | null;
  if (!location) {
    void vscode.window.showInformationMessage(
      `Glossary: "${term}" is not introduced in any module of this workspace yet.`,
    );
    return;
  }
  const target = client.protocol2CodeConverter.asLocation(location);
  await vscode.commands.executeCommand('vscode.open', target.uri, {
    selection: target.range,
  } satisfies vscode.TextDocumentShowOptions);
}
