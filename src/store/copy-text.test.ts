import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyField, copyLines } from './copy-text.ts';

test('COPY text escapes what the format gives a meaning to, and nothing else', () => {
  assert.equal(copyField(null), '\\N');
  assert.equal(copyField('plain ä text'), 'plain ä text');
  assert.equal(copyField('a\tb\nc\rd\\e'), 'a\\tb\\nc\\rd\\\\e');
  assert.equal(copyField('\\N'), '\\\\N');
  assert.equal(copyField(12.5), '12.5');
  assert.equal(copyField(false), 'false');
});

test('COPY lines: tab between fields, a newline after every row', () => {
  assert.equal(copyLines([['a', null, 1], ['b\tc', '', true]]), 'a\t\\N\t1\nb\\tc\t\ttrue\n');
  assert.equal(copyLines([]), '');
});
