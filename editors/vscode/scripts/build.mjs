// Bundles the extension (dist/extension.js) or, with --tests, the tests (out/test/*.test.js).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';

const forTests = process.argv.includes('--tests');
const common = { bundle: true, platform: 'node', target: 'node18', format: 'cjs', logLevel: 'warning' };

if (forTests) {
  rmSync('out', { recursive: true, force: true });
  const entryPoints = readdirSync('test')
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `test/${name}`);
  await build({
    ...common,
    entryPoints,
    outdir: 'out/test',
    sourcemap: 'inline',
    // The extension's own modules import `vscode`; tests get a stub in its place.
    alias: { vscode: './test/stubs/vscode.js' },
  });
} else {
  await build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    minify: true,
    sourcemap: false,
  });
}
