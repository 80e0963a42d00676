import assert from 'node:assert/strict';
import { test } from 'node:test';
import { courseStatusText, moduleTooltip, parseCourse } from '../src/course';

const serving = {
  path: 'part-2/06-serving.ipynb',
  id: '06-serving',
  title: '🚀 Serving',
  uri: 'file:///course/part-2/06-serving.ipynb',
  introduces: ['Prefill', 'KV cache'],
};

test('the response becomes the course, in the order the server sent', () => {
  const course = parseCourse({
    root: '/course',
    order_source: '_toc.yml',
    language: 'en',
    modules: [{ ...serving, path: 'a.md', introduces: [] }, serving],
  });
  assert.deepEqual(course, {
    root: '/course',
    orderSource: '_toc.yml',
    language: 'en',
    modules: [{ ...serving, path: 'a.md', introduces: [] }, serving],
  });
});

test('the status bar names the module count and the order source', () => {
  const course = parseCourse({ root: '/c', order_source: '_toc.yml', language: null, modules: Array(84).fill(serving) });
  assert.ok(course);
  assert.equal(courseStatusText(course), 'Course: 84 modules from _toc.yml');
  const one = parseCourse({ root: '/c', order_source: 'folders', language: 'de', modules: [serving] });
  assert.ok(one);
  assert.equal(courseStatusText(one), 'Course: 1 module from folders (de)');
});

test('a malformed response is no course; malformed modules and terms are skipped', () => {
  assert.equal(parseCourse(null), undefined);
  assert.equal(parseCourse({ modules: 'no' }), undefined);
  const course = parseCourse({
    modules: [null, { ...serving, uri: 3 }, { ...serving, introduces: ['GPU', 7, null] }],
  });
  assert.ok(course);
  assert.equal(course.orderSource, 'unknown');
  assert.deepEqual(course.modules.map((m) => m.introduces), [['GPU']]);
});

test('a module tooltip says where it is and how many terms it introduces', () => {
  assert.equal(moduleTooltip(serving), 'part-2/06-serving.ipynb — introduces 2 terms');
  assert.equal(moduleTooltip({ ...serving, introduces: [] }), 'part-2/06-serving.ipynb — introduces no glossary term');
});
