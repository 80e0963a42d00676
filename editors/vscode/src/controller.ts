/**
 * Starting, restarting and stopping the language client, and telling the user clearly when the
 * server cannot start. Everything editor-specific comes in through `ControllerDeps`, so this is
 * unit-tested with fakes in plain Node.
 */
import type { Bundle, Probe } from './bundledServer';
import type { Platform } from './discovery';
import {
  type InstalledServer,
  describeLaunch,
  type Launch,
  LaunchError,
  parseCommandSetting,
  resolveLaunch,
  startupFailureMessage,
} from './serverCommand';

export const OPEN_SETTINGS = 'Open Settings';
export const SHOW_OUTPUT = 'Show Output';

export interface ClientLike {
  start(): Promise<void>;
  dispose(timeout?: number): Promise<void>;
}

export interface ControllerDeps<C extends ClientLike> {
  readCommandSetting(): unknown;
  /** The Python extension's interpreter, when it has one selected. */
  findPython(): Promise<string[] | undefined>;
  probePython: Probe;
  /** The server the extension carries (absent in the universal build) and how to run it. */
  bundle?(): Bundle | undefined;
  pathPythons?(): Promise<string[][]>;
  serverOnPath?(): Promise<InstalledServer | undefined>;
  /** Why the bundle does not load with this Python ('' when it does): asked after a failed start. */
  bundleCheck?(python: string[], starter: string): Promise<string>;
  isDirectory?(path: string): boolean;
  platform?: Platform;
  createClient(launch: Launch): C;
  showError(message: string, ...actions: string[]): PromiseLike<string | undefined>;
  openSettings(): void;
  showOutput(): void;
  log(line: string): void;
}

export class ServerController<C extends ClientLike> {
  private running: C | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: ControllerDeps<C>,
    private readonly startTimeoutMs = 60_000,
  ) {}

  /** The client when the server is up, else undefined. */
  get client(): C | undefined {
    return this.running;
  }

  /** Starts the server unless it is running; resolves to the client, or undefined on failure. */
  start(): Promise<C | undefined> {
    return this.serialized(async () => this.running ?? (await this.launch()));
  }

  /** Stops whatever runs (or failed) and starts afresh with the current settings. */
  restart(): Promise<C | undefined> {
    return this.serialized(async () => {
      await this.disposeRunning();
      return this.launch();
    });
  }

  /**
   * The Python extension's interpreter changed: restart when the server's command is not
   * configured (it was looked up from that interpreter, or on PATH for want of it).
   */
  pythonInterpreterChanged(): Promise<C | undefined> {
    if (parseCommandSetting(this.deps.readCommandSetting()).kind !== 'unset') {
      return Promise.resolve(this.running);
    }
    this.deps.log('The Python interpreter changed: restarting the server.');
    return this.restart();
  }

  stop(): Promise<void> {
    return this.serialized(() => this.disposeRunning());
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async launch(): Promise<C | undefined> {
    const setting = parseCommandSetting(this.deps.readCommandSetting());
    const python = setting.kind === 'unset' ? await this.deps.findPython() : undefined;
    const bundle = this.deps.bundle?.();
    let launch: Launch;
    try {
      launch = await resolveLaunch({
        setting,
        python,
        probe: this.deps.probePython,
        bundle,
        pathPythons: this.deps.pathPythons,
        serverOnPath: this.deps.serverOnPath,
        isDirectory: this.deps.isDirectory,
        platform: this.deps.platform,
        log: this.deps.log,
      });
    } catch (error) {
      if (error instanceof LaunchError) {
        this.fail(error.message, [OPEN_SETTINGS]);
        return undefined;
      }
      throw error;
    }
    this.deps.log(`Starting the server: ${describeLaunch(launch)} --stdio (${launch.source})`);
    const client = this.deps.createClient(launch);
    try {
      await withDeadline(client.start(), this.startTimeoutMs);
    } catch (error) {
      await client.dispose().catch(() => undefined);
      const reason =
        launch.source === 'bundled' && bundle && launch.python
          ? await (this.deps.bundleCheck?.(launch.python, bundle.starter) ?? '')
          : '';
      this.fail(startupFailureMessage(launch, error, reason, this.deps.platform), [OPEN_SETTINGS, SHOW_OUTPUT]);
      return undefined;
    }
    this.running = client;
    return client;
  }

  private async disposeRunning(): Promise<void> {
    const client = this.running;
    this.running = undefined;
    if (client) {
      await client.dispose().catch((error) => this.deps.log(`Stopping failed: ${String(error)}`));
    }
  }

  private fail(message: string, actions: string[]): void {
    this.deps.log(message);
    void Promise.resolve(this.deps.showError(message, ...actions)).then((choice) => {
      if (choice === OPEN_SETTINGS) {
        this.deps.openSettings();
      } else if (choice === SHOW_OUTPUT) {
        this.deps.showOutput();
      }
    });
  }
}

function withDeadline(start: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the server did not answer \`initialize\` within ${ms / 1000} s`)),
      ms,
    );
  });
  return Promise.race([start, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Restart policy for a server that dies after a successful start: restart at most `maxRestarts`
 * times within `windowMs`, then give up (so a crash loop ends in one clear message).
 */
export class RestartPolicy {
  private readonly restarts: number[] = [];

  constructor(
    private readonly maxRestarts = 4,
    private readonly windowMs = 3 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  shouldRestart(): boolean {
    const now = this.now();
    while (this.restarts.length > 0 && now - this.restarts[0] > this.windowMs) {
      this.restarts.shift();
    }
    if (this.restarts.length >= this.maxRestarts) {
      return false;
    }
    this.restarts.push(now);
    return true;
  }
}
