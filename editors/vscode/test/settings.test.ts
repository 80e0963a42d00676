import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SETTINGS, nestedReader, readServerSettings, SEVERITIES } from '../src/settings';
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
];

describe('readServerSettings', () => {
  test('unset settings are the defaults, without problems', () => {
    assert.deepEqual(readServerSettings(() => undefined), {
      settings: DEFAULT_SETTINGS,
      problems: [],
    });
  });

  test('valid values are kept, nested the way the server reads them', () => {
    const values: Record<string, unknown> = {
      glossaries: ['extra.yaml'],
      includeBundled: false,
      'modules.include': ['course/**/*.md'],
      'diagnostics.unknownAcronym': 'off',
      codeComments: true,
    };
    const { settings, problems } = readServerSettings((key) => values[key]);
    assert.deepEqual(problems, []);
    assert.deepEqual(settings.glossaries, ['extra.yaml']);
    assert.equal(settings.includeBundled, false);
    assert.deepEqual(settings.modules.include, ['course/**/*.md']);
    assert.deepEqual(settings.modules.exclude, DEFAULT_SETTINGS.modules.exclude);
    assert.equal(settings.diagnostics.unknownAcronym, 'off');
    assert.equal(settings.diagnostics.usedBeforeIntroduced, 'warning');
    assert.equal(settings.codeComments, true);
  });

  test('a broken value falls back to its default and is named in a problem', () => {
    const values: Record<string, unknown> = {
      glossaries: 'one.yaml',
      includeBundled: 'yes',
      'modules.exclude': ['ok', 3],
      'diagnostics.nonCanonicalSpelling': 'loud',
    };
    const { settings, problems } = readServerSettings((key) => values[key]);
    assert.deepEqual(settings, DEFAULT_SETTINGS);
    assert.equal(problems.length, 4);
    assert.match(problems[0], /"glossaryLsp\.glossaries" must be an array of strings, not "one\.yaml"/);
    assert.match(problems[1], /"glossaryLsp\.includeBundled" must be true or false/);
    assert.match(problems[2], /"glossaryLsp\.modules\.exclude"/);
    assert.match(problems[3], /"glossaryLsp\.diagnostics\.nonCanonicalSpelling" must be one of "error"/);
  });

  test('nestedReader reads dotted keys from a section object, tolerating junk', () => {
    const read = nestedReader({ modules: { include: ['a'] }, diagnostics: 5 });
    assert.deepEqual(read('modules.include'), ['a']);
    assert.equal(read('diagnostics.unknownAcronym'), undefined);
    assert.equal(nestedReader(null)('glossaries'), undefined);
  });
});

describe('package.json contributes', () => {
  const properties = manifest().contributes.configuration.properties;

  test('every server setting, with the same default as the extension sends', () => {
    const fromManifest = readServerSettings(contributedDefaults());
    assert.deepEqual(fromManifest.problems, []);
    assert.deepEqual(fromManifest.settings, DEFAULT_SETTINGS);
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
