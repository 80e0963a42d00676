/**
 * The `glossaryLsp` settings the user set: validation, and the object the server receives as
 * initializationOptions and as the answer to `workspace/configuration`.
 *
 * Pure: no `vscode` import, so it is unit-tested in plain Node.
 */

export const SECTION = 'glossaryLsp';

export const SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type DiagnosticsSettings = {
  usedBeforeIntroduced: Severity;
  acronymNotExpanded: Severity;
  unknownAcronym: Severity;
  nonCanonicalSpelling: Severity;
};

/**
 * The settings the user set, nested the way the server reads them (as VS Code returns a section).
 * Only what the user set is sent: the defaults live in the server (package.json repeats them for
 * the Settings editor, and a test keeps the two equal).
 */
export type ServerSettings = {
  glossaries?: string[];
  includeBundled?: boolean;
  modules?: { include?: string[]; exclude?: string[] };
  diagnostics?: Partial<DiagnosticsSettings>;
  ignore?: string[];
  codeComments?: boolean;
  course?: { toc?: string; language?: string };
  sources?: Partial<Record<SourceKind, boolean>>;
};

export const SOURCE_KINDS = ['myst', 'sphinx', 'abbr', 'contextive'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export type SettingsResult = { settings: ServerSettings; problems: string[] };

type Reader = (key: string) => unknown;

/** What `WorkspaceConfiguration.inspect()` tells about one setting. */
export type Inspected =
  | { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown }
  | undefined;

/** The value the user set, the most specific scope first; undefined when only the default is. */
export function userValue(inspected: Inspected): unknown {
  return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
}

/**
 * Reads every server setting through `read(dottedKey)` (e.g. `modules.include`), which answers
 * what the user set or undefined. Valid values are kept; an invalid one is left out (the server's
 * default applies) with a problem naming the setting.
 */
export function readServerSettings(read: Reader): SettingsResult {
  const problems: string[] = [];
  const strings = (key: string) =>
    checked(read(key), key, isStringArray, 'an array of strings', problems);
  const bool = (key: string) => checked(read(key), key, isBoolean, 'true or false', problems);
  const text = (key: string) => checked(read(key), key, isString, 'a string', problems);
  const severityOf = (key: keyof DiagnosticsSettings) =>
    checked(
      read(`diagnostics.${key}`),
      `diagnostics.${key}`,
      isSeverity,
      `one of ${SEVERITIES.map((s) => `"${s}"`).join(', ')}`,
      problems,
    );
  // read in the order of the settings, so the problems come in that order too
  const glossaries = strings('glossaries');
  const includeBundled = bool('includeBundled');
  const modules = compact({ include: strings('modules.include'), exclude: strings('modules.exclude') });
  const diagnostics = compact({
    usedBeforeIntroduced: severityOf('usedBeforeIntroduced'),
    acronymNotExpanded: severityOf('acronymNotExpanded'),
    unknownAcronym: severityOf('unknownAcronym'),
    nonCanonicalSpelling: severityOf('nonCanonicalSpelling'),
  });
  const settings: ServerSettings = compact({
    glossaries,
    includeBundled,
    modules: Object.keys(modules).length > 0 ? modules : undefined,
    diagnostics: Object.keys(diagnostics).length > 0 ? diagnostics : undefined,
    ignore: strings('ignore'),
    codeComments: bool('codeComments'),
    course: nonEmpty(compact({ toc: text('course.toc'), language: text('course.language') })),
    sources: nonEmpty(
      compact(Object.fromEntries(SOURCE_KINDS.map((kind) => [kind, bool(`sources.${kind}`)]))),
    ),
  });
  return { settings, problems };
}

/** The object, or undefined when it has no member. */
function nonEmpty<T extends Record<string, unknown>>(object: T): T | undefined {
  return Object.keys(object).length > 0 ? object : undefined;
}

/** The object without its undefined members. */
function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

function checked<T>(
  value: unknown,
  key: string,
  isValid: (value: unknown) => value is T,
  expected: string,
  problems: string[],
): T | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (isValid(value)) {
    return value;
  }
  problems.push(
    `Setting "${SECTION}.${key}" must be ${expected}, not ${JSON.stringify(value)}; the server's default is used.`,
  );
  return undefined;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}
