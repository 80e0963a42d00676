import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readServerSettings, SEVERITIES, userValue } from '../src/settings';
import { testPython } from './support/serverProcess';
import { execFileSync } from 'node:child_process';
import { contributedDefaults, manifest } from './support/packageJson';

const SERVER_KEYS = [
  'glossaries',
  'includeBundled',
  'modules.include',
  'modules.exclude',
  'diagnostics.usedBeforeIntroduced',
  'diagnostics.acronymNotExpanded',
  'diagnostics.unknownAcronym',
  'diagnostics.nonCanonicalSpelling',
  'ignore',
  'codeComments',
  'course.toc',
  'course.language',
  'sources.myst',
  'sources.sphinx',
  'sources.abbr',
  'sources.contextive',
];

describe('readServerSettings', () => {
  test('nothing set: nothing sent (the server has the defaults), without problems', () => {
    assert.deepEqual(readServerSettings(() => undefined), { settings: {}, problems: [] });
  });

  test('the course and glossary-source settings are sent nested, a wrong type is a problem', () => {
    const values: Record<string, unknown> = {
      'course.toc': 'book/_toc.yml',
      'course.language': 42,
      'sources.abbr': false,
    };
    const { settings, problems } = readServerSettings((key) => values[key]);
    assert.deepEqual(settings, { course: { toc: 'book/_toc.yml' }, sources: { abbr: false } });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /glossaryLsp\.course\.language" must be a string/);
  });

  test('what the user set is kept, nested the way the server reads it, and nothing else', () => {
    const values: Record<string, unknown> = {
      glossaries: ['extra.yaml'],
      includeBundled: false,
      'modules.include': ['course/**/*.md'],
      'diagnostics.unknownAcronym': 'off',
      codeComments: true,
    };
    const { settings, problems } = readServerSettings((key) => values[key]);
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      glossaries: ['extra.yaml'],
      includeBundled: false,
      modules: { include: ['course/**/*.md'] },
      diagnostics: { unknownAcronym: 'off' },
      codeComments: true,
    });
  });

  test('a broken value is left out (the server default applies) and named in a problem', () => {
    const values: Record<string, unknown> = {
      glossaries: 'one.yaml',
      includeBundled: 'yes',
      'modules.exclude': ['ok', 3],
      'diagnostics.nonCanonicalSpelling': 'loud',
      ignore: ['GPU'],
    };
    const { settings, problems } = readServerSettings((key) => values[key]);
    assert.deepEqual(settings, { ignore: ['GPU'] });
    assert.equal(problems.length, 4);
    assert.match(problems[0], /"glossaryLsp\.glossaries" must be an array of strings, not "one\.yaml"; the server's default is used/);
    assert.match(problems[1], /"glossaryLsp\.includeBundled" must be true or false/);
    assert.match(problems[2], /"glossaryLsp\.modules\.exclude"/);
    assert.match(problems[3], /"glossaryLsp\.diagnostics\.nonCanonicalSpelling" must be one of "error"/);
  });

  test('the user value is the most specific scope that has one; a default alone is no value', () => {
    assert.equal(userValue({ globalValue: 'a', workspaceValue: 'b', workspaceFolderValue: 'c' }), 'c');
    assert.equal(userValue({ globalValue: 'a', workspaceValue: 'b' }), 'b');
    assert.equal(userValue({ globalValue: false }), false);
    assert.equal(userValue({ defaultValue: 'warning' } as never), undefined);
    assert.equal(userValue(undefined), undefined);
  });
});

describe('package.json contributes', () => {
  const properties = manifest().contributes.configuration.properties;

  test('every server setting, with the default the server itself uses', () => {
    const fromManifest = readServerSettings(contributedDefaults());
    assert.deepEqual(fromManifest.problems, []);
    assert.deepEqual(fromManifest.settings, serverDefaults());
    for (const key of SERVER_KEYS) {
      assert.ok(properties[`glossaryLsp.${key}`], `glossaryLsp.${key} is not contributed`);
    }
  });

  test('the severities as an enum, and the client-side settings', () => {
    for (const key of SERVER_KEYS.filter((k) => k.startsWith('diagnostics.'))) {
      assert.deepEqual(properties[`glossaryLsp.${key}`].enum, [...SEVERITIES]);
    }
    assert.ok(properties['glossaryLsp.server.command']);
    assert.deepEqual(properties['glossaryLsp.trace.server'].enum, ['off', 'messages', 'verbose']);
    assert.deepEqual(
      Object.keys(properties).sort(),
      [...SERVER_KEYS.map((k) => `glossaryLsp.${k}`), 'glossaryLsp.server.command', 'glossaryLsp.trace.server'].sort(),
    );
  });

  test('the four commands, the course view, and activation on Markdown, notebooks and the view', () => {
    const { commands } = manifest().contributes;
    assert.deepEqual(
      commands.map((c) => `${c.category}: ${c.title}`),
      ['Glossary: Restart Server', 'Glossary: Show Output', 'Glossary: Look up term…', 'Glossary: Refresh Course'],
    );
    assert.deepEqual(
      commands.map((c) => c.command),
      ['glossaryLsp.restartServer', 'glossaryLsp.showOutput', 'glossaryLsp.lookUpTerm', 'glossaryLsp.refreshCourse'],
    );
    assert.deepEqual(manifest().contributes.views.explorer.map((v) => v.id), ['glossaryLsp.course']);
    assert.deepEqual(manifest().activationEvents, [
      'onLanguage:markdown',
      'onNotebook:jupyter-notebook',
      'onView:glossaryLsp.course',
    ]);
  });
});

/** The server's own defaults, nested as the settings are sent (asked of the installed server). */
function serverDefaults(): unknown {
  const script = [
    'import json',
    'from glossary_lsp.settings import SOURCE_KINDS, Settings',
    's = Settings()',
    'print(json.dumps({"glossaries": list(s.glossaries), "includeBundled": s.include_bundled,',
    '  "modules": {"include": list(s.modules_include), "exclude": list(s.modules_exclude)},',
    '  "diagnostics": s.diagnostics, "ignore": list(s.ignore), "codeComments": s.code_comments,',
    '  "sources": {kind: kind in s.source_kinds for kind in SOURCE_KINDS},',
    '  **({"course": course} if (course := {k: v for k, v in',
    '     (("toc", s.course_toc), ("language", s.course_language)) if v is not None}) else {})}))',
  ].join('\n');
  return JSON.parse(execFileSync(testPython(), ['-c', script], { encoding: 'utf8' }));
}
