import assert from 'node:assert/strict';
import { test } from 'node:test';
import { termItems } from '../src/lookUp';

test('terms become quick pick items: label term, description expansion, detail module', () => {
  const items = termItems([
    { term: 'KV cache', expansion: null, module: '🚀 Serving', aliases: ['key-value cache'] },
    { term: 'FSDP', expansion: 'Fully Sharded Data Parallel', module: '🖥️ Distributed Training', aliases: [] },
    { term: 'attention', expansion: null, module: null, aliases: [] },
  ]);
  assert.deepEqual(items, [
    { label: 'attention', description: undefined, detail: undefined, term: 'attention' },
    { label: 'FSDP', description: 'Fully Sharded Data Parallel', detail: '🖥️ Distributed Training', term: 'FSDP' },
    { label: 'KV cache', description: undefined, detail: '🚀 Serving', term: 'KV cache' },
  ]);
});

test('a malformed response or entry is skipped, not thrown', () => {
  assert.deepEqual(termItems(null), []);
  assert.deepEqual(termItems({ term: 'x' }), []);
  assert.deepEqual(
    termItems([null, 3, { term: '' }, { term: 5 }, { term: 'ok', expansion: 7 }, { term: 'fine' }]).map((i) => i.label),
    ['fine'],
  );
});
