/**
 * The `glossaryLsp` settings: their defaults, validation, and the object the server receives as
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

/** The settings object the server understands (nested the way VS Code returns a section). */
export type ServerSettings = {
  glossaries: string[];
  includeBundled: boolean;
  modules: { include: string[]; exclude: string[] };
  diagnostics: DiagnosticsSettings;
  ignore: string[];
  codeComments: boolean;
};

export const DEFAULT_SETTINGS: ServerSettings = {
  glossaries: [],
  includeBundled: true,
  modules: {
    include: ['**/*.md', '**/*.markdown', '**/*.mdx', '**/*.ipynb'],
    exclude: [
      '**/.git/**',
      '**/node_modules/**',
      '**/.venv/**',
      '**/venv/**',
      '**/build/**',
      '**/dist/**',
      '**/_build/**',
      '**/site/**',
    ],
  },
  diagnostics: {
    usedBeforeIntroduced: 'warning',
    acronymNotExpanded: 'information',
    unknownAcronym: 'information',
    nonCanonicalSpelling: 'warning',
  },
  ignore: [],
  codeComments: false,
};

export type SettingsResult = { settings: ServerSettings; problems: string[] };

type Reader = (key: string) => unknown;

/**
 * Reads every server setting through `read(dottedKey)` (e.g. `modules.include`), keeping valid
 * values and replacing invalid ones by their default with a problem naming the setting.
 */
export function readServerSettings(read: Reader): SettingsResult {
  const problems: string[] = [];
  const d = DEFAULT_SETTINGS;
  const strings = (key: string, fallback: string[]): string[] =>
    checked(read(key), key, fallback, isStringArray, 'an array of strings', problems);
  const bool = (key: string, fallback: boolean): boolean =>
    checked(read(key), key, fallback, isBoolean, 'true or false', problems);
  const severity = (key: keyof DiagnosticsSettings): Severity =>
    checked(
      read(`diagnostics.${key}`),
      `diagnostics.${key}`,
      d.diagnostics[key],
      isSeverity,
      `one of ${SEVERITIES.map((s) => `"${s}"`).join(', ')}`,
      problems,
    );
  const settings: ServerSettings = {
    glossaries: strings('glossaries', d.glossaries),
    includeBundled: bool('includeBundled', d.includeBundled),
    modules: {
      include: strings('modules.include', d.modules.include),
      exclude: strings('modules.exclude', d.modules.exclude),
    },
    diagnostics: {
      usedBeforeIntroduced: severity('usedBeforeIntroduced'),
      acronymNotExpanded: severity('acronymNotExpanded'),
      unknownAcronym: severity('unknownAcronym'),
      nonCanonicalSpelling: severity('nonCanonicalSpelling'),
    },
    ignore: strings('ignore', d.ignore),
    codeComments: bool('codeComments', d.codeComments),
  };
  return { settings, problems };
}

/** A reader over a nested settings object, as `workspace/configuration` returns a section. */
export function nestedReader(section: unknown): Reader {
  return (key) => {
    let value: unknown = section;
    for (const part of key.split('.')) {
      if (!isRecord(value)) {
        return undefined;
      }
      value = value[part];
    }
    return value;
  };
}

function checked<T>(
  value: unknown,
  key: string,
  fallback: T,
  isValid: (value: unknown) => value is T,
  expected: string,
  problems: string[],
): T {
  if (value === undefined || value === null) {
    return fallback;
  }
  if (isValid(value)) {
    return value;
  }
  problems.push(
    `Setting "${SECTION}.${key}" must be ${expected}, not ${JSON.stringify(value)}; using the default ${JSON.stringify(fallback)}.`,
  );
  return fallback;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}
