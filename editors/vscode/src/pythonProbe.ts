import { execFile } from 'node:child_process';
import { SERVER_MODULE } from './serverCommand';

const PROBE_TIMEOUT_MS = 15_000;

/** Whether `python` (program and arguments) can import glossary_lsp; false on any failure. */
export function canImportServer(python: string[]): Promise<boolean> {
  const [program, ...prefix] = python;
  return new Promise((resolve) => {
    execFile(
      program,
      [...prefix, '-c', `import ${SERVER_MODULE}`],
      { timeout: PROBE_TIMEOUT_MS, windowsHide: true },
      (error) => resolve(error === null),
    );
  });
}
