/** The "Glossary: Look up term…" quick pick items. Pure: unit-tested in plain Node. */

export const TERMS_REQUEST = 'glossaryLsp/terms';
/**
 * The request takes no parameters, but is sent with an empty object: pygls 2 cannot read a
 * request without `params` (which JSON-RPC allows) and would never answer it.
 */
export const TERMS_PARAMS = {};
export const FIRST_INTRODUCTION_COMMAND = 'glossaryLsp.firstIntroduction';

export type TermEntry = {
  term: string;
  expansion: string | null;
  module: string | null;
  aliases: string[];
};

export type TermItem = { label: string; description?: string; detail?: string; term: string };

/** Quick pick items from a `glossaryLsp/terms` response, skipping malformed entries. */
export function termItems(response: unknown): TermItem[] {
  if (!Array.isArray(response)) {
    return [];
  }
  return response
    .filter(isTermEntry)
    .map((entry) => ({
      label: entry.term,
      description: entry.expansion ?? undefined,
      detail: entry.module ?? undefined,
      term: entry.term,
    }))
    .sort((a, b) => a.label.localeCompare(b.label, undefined, { sensitivity: 'base' }));
}

function isTermEntry(value: unknown): value is TermEntry {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.term === 'string' &&
    entry.term !== '' &&
    (entry.expansion === undefined || entry.expansion === null || typeof entry.expansion === 'string') &&
    (entry.module === undefined || entry.module === null || typeof entry.module === 'string')
  );
}
