/** Starts the real server the way the extension does and talks LSP to it over stdio. */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  createMessageConnection,
  type MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { probePython } from '../../src/pythonProbe';
import { type Launch, parseCommandSetting, resolveLaunch } from '../../src/serverCommand';

/** The Python that has glossary_lsp installed: $GLOSSARY_LSP_PYTHON, else python3. */
export function testPython(): string {
  return process.env.GLOSSARY_LSP_PYTHON || 'python3';
}

/** The launch the extension picks when the Python extension reports `testPython()`. */
export function extensionLaunch(): Promise<Launch> {
  return resolveLaunch({
    setting: parseCommandSetting(undefined),
    python: [testPython()],
    probe: probePython,
  });
}

export type Server = {
  connection: MessageConnection;
  process: ChildProcess;
  stderr: () => string;
  stop: () => Promise<void>;
};

export function startServer(launch: Launch, cwd: string): Server {
  // vscode-languageclient appends --stdio for TransportKind.stdio.
  const child = spawn(launch.command, [...launch.args, '--stdio'], {
    cwd,
    stdio: 'pipe',
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const connection = createMessageConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  connection.listen();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) {
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      try {
        await withTimeout(connection.sendRequest('shutdown'), 5_000, 'shutdown');
        await connection.sendNotification('exit');
      } catch {
        child.kill('SIGKILL');
      }
      await exited;
      clearTimeout(killer);
    }
    connection.dispose();
  };
  return { connection, process: child, stderr: () => stderr, stop };
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Repeats `attempt` until it returns something truthy (the server indexes in the background). */
export async function eventually<T>(
  attempt: () => Promise<T | null | undefined>,
  what: string,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | null | undefined;
  while (Date.now() < deadline) {
    last = await attempt();
    if (last) {
      return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no answer within ${ms} ms: ${what} (last: ${JSON.stringify(last)})`);
}
