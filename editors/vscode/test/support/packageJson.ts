import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const EXTENSION_ROOT = join(__dirname, '..', '..');

type Property = { default?: unknown; type?: unknown; enum?: unknown[] };

export type Manifest = {
  name: string;
  publisher: string;
  version: string;
  main: string;
  activationEvents: string[];
  contributes: {
    configuration: { properties: Record<string, Property> };
    commands: { command: string; title: string; category?: string }[];
    views: Record<string, { id: string; name: string }[]>;
  };
};

export function manifest(): Manifest {
  return JSON.parse(readFileSync(join(EXTENSION_ROOT, 'package.json'), 'utf8')) as Manifest;
}

/** A reader that answers each `glossaryLsp.*` setting with its contributed default, like VS Code. */
export function contributedDefaults(): (key: string) => unknown {
  const properties = manifest().contributes.configuration.properties;
  return (key) => properties[`glossaryLsp.${key}`]?.default;
}
