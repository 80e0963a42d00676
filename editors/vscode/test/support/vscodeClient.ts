/**
 * What vscode-languageclient 9 sends at start-up, computed by the real library (loaded with the
 * `vscode` stub), so protocol tests speak to the server exactly as the extension does.
 */
import { LanguageClient } from 'vscode-languageclient/node';
import type { ClientCapabilities } from 'vscode-languageserver-protocol';
import { CLIENT_ID, CLIENT_NAME } from '../../src/client';
import { DOCUMENT_SELECTOR } from '../../src/selectors';

export function vscodeClientCapabilities(): ClientCapabilities {
  const client = new LanguageClient(
    CLIENT_ID,
    CLIENT_NAME,
    { command: 'unused' },
    { documentSelector: DOCUMENT_SELECTOR },
  );
  // computeClientCapabilities is private in the typings; it is what initialize() sends.
  const compute = (client as unknown as { computeClientCapabilities(): ClientCapabilities })
    .computeClientCapabilities;
  return compute.call(client);
}
