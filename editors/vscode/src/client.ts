import type { ChildProcess } from 'node:child_process';
import type * as vscode from 'vscode';
import {
  CloseAction,
  type CloseHandlerResult,
  ErrorAction,
  type ErrorHandlerResult,
  LanguageClient,
  type LanguageClientOptions,
  type MessageTransports,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { RestartPolicy } from './controller';
import { DOCUMENT_SELECTOR } from './selectors';
import type { Launch } from './serverCommand';
import { SECTION, type ServerSettings } from './settings';

export const CLIENT_ID = 'glossaryLsp';
export const CLIENT_NAME = 'Glossary';

/**
 * A LanguageClient that leaves start-up failures to the ServerController, which shows one
 * message saying how to install the server, instead of the client's generic pop-ups.
 */
export class GlossaryClient extends LanguageClient {
  private startingUp = false;

  constructor(id: string, name: string, server: ServerOptions, options: LanguageClientOptions) {
    super(id, name, server, options);
    markStartPromiseHandled(this);
  }

  /** Resolves only when the server is up: rejects also when it exits during start-up. */
  override async start(): Promise<void> {
    this.startingUp = true;
    try {
      await super.start();
    } finally {
      this.startingUp = false;
    }
    if (!this.isRunning()) {
      // vscode-languageclient 9 resolves start() when the server closes the connection
      // before answering `initialize` (e.g. it exits at once).
      throw new Error('the server stopped before answering `initialize`');
    }
  }

  /**
   * A write to a server that has just died rejects; the library does not handle every such
   * promise. The loss is already known (the writer's error event and the closed connection), so
   * the rejection is dropped instead of surfacing as an unhandled one.
   */
  protected override async createMessageTransports(encoding: string): Promise<MessageTransports> {
    const transports = await super.createMessageTransports(encoding);
    const { writer } = transports;
    const write = writer.write.bind(writer);
    writer.write = (message) => write(message).catch(() => undefined);
    return transports;
  }

  override error(message: string, data?: unknown, showNotification: boolean | 'force' = true) {
    super.error(message, data, this.startingUp ? false : showNotification);
  }

  /**
   * vscode-languageclient 9 can only stop a running client. One that failed or hangs in
   * start-up is ended by killing its server process, so a failed start leaves nothing behind.
   */
  override async stop(timeout?: number): Promise<void> {
    if (this.isRunning()) {
      return super.stop(timeout);
    }
    const process = (this as unknown as { _serverProcess?: ChildProcess })._serverProcess;
    if (process && process.exitCode === null && process.signalCode === null) {
      process.kill();
    }
  }
}

type StartPromiseFactory = () => [Promise<void>, () => void, (error: unknown) => void];

/**
 * When the server exits during start-up, vscode-languageclient 9 drops its start promise before
 * rejecting it, which surfaces as an unhandled rejection; start() above reports the failure.
 */
function markStartPromiseHandled(client: LanguageClient): void {
  const internals = client as unknown as { createOnStartPromise?: StartPromiseFactory };
  const create = internals.createOnStartPromise;
  if (typeof create !== 'function') {
    return;
  }
  internals.createOnStartPromise = () => {
    const created = create.call(client);
    created[0].catch(() => undefined);
    return created;
  };
}

export function createClient(
  launch: Launch,
  output: vscode.OutputChannel,
  reportSettings: () => ServerSettings,
  userSection: (scopeUri: string | undefined) => ServerSettings,
): GlossaryClient {
  const serverOptions: ServerOptions = {
    command: launch.command,
    args: launch.args,
    transport: TransportKind.stdio,
  };
  let started = false;
  const restarts = new RestartPolicy();
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    initializationOptions: reportSettings(),
    initializationFailedHandler: () => false,
    markdown: { isTrusted: false, supportHtml: false },
    errorHandler: {
      error: (_error, _message, count): ErrorHandlerResult => ({
        action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
      }),
      closed: (): CloseHandlerResult => closeAction(started, restarts),
    },
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          // VS Code's answer has every default filled in; the server gets only what the user set.
          return answers.map((answer, index) => {
            const item = params.items[index];
            return item?.section === SECTION ? userSection(item.scopeUri) : answer;
          });
        },
      },
    },
  };
  const client = new GlossaryClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  client.onDidChangeState((event) => {
    started ||= event.newState === State.Running;
  });
  return client;
}

function closeAction(started: boolean, restarts: RestartPolicy): CloseHandlerResult {
  if (!started) {
    // A server that never came up: the controller reports it once, with install advice.
    return { action: CloseAction.DoNotRestart, handled: true };
  }
  if (restarts.shouldRestart()) {
    return { action: CloseAction.Restart, handled: true };
  }
  return {
    action: CloseAction.DoNotRestart,
    message:
      'The glossary server stopped repeatedly and will not be restarted. See "Glossary: Show Output", ' +
      'then run "Glossary: Restart Server".',
  };
}

