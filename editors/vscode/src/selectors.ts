/** Which documents the client syncs with the server. Pure: the protocol test uses it too. */

export const NOTEBOOK_TYPE = 'jupyter-notebook';
export const CELL_LANGUAGES = ['markdown', 'python'] as const;

export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'markdown' },
  { scheme: 'untitled', language: 'markdown' },
  ...CELL_LANGUAGES.map((language) => ({ notebook: { notebookType: NOTEBOOK_TYPE }, language })),
];
