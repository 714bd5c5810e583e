import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkStorable, checkStorableJson, isStorableText, toStorableText } from './storable-json.ts';

test('NUL, lone surrogates and deep nesting are what PostgreSQL cannot store', () => {
  assert.equal(isStorableText('Ann 😀'), true);
  assert.equal(isStorableText('a\u0000b'), false);
  assert.equal(isStorableText('a\ud800'), false);
  assert.equal(isStorableText('\udc00a'), false);
  assert.deepEqual(checkStorable({ a: ['x', { 'k\u0000': 1 }] }), { ok: false, error: { code: 'unstorable_text', reason: 'a key holds a NUL character or an unpaired surrogate' } });
  let deep: unknown = 1;
  for (let i = 0; i < 40; i++) deep = [deep];
  assert.equal(checkStorable(deep).ok, false);
});

test('text for a report is made storable: NUL shown as \\0, a lone surrogate as U+FFFD, a pair kept', () => {
  assert.equal(toStorableText('p\u0000q'), 'p\\0q');
  assert.equal(toStorableText('cut \ud83d'), 'cut \ufffd');
  assert.equal(toStorableText('ok 😀'), 'ok 😀');
  assert.equal(isStorableText(toStorableText('\u0000\ud800\udc00\udfff')), true);
});

test('checked from its JSON text, a value gets the answer the walk over it gives', () => {
  const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
  const texts = [
    '{"a":"plain","b":[1,{"c":null}]}',
    '{"a":"nul \\u0000 here"}',
    '{"key \\u0000":1}',
    '{"a":"lone \\ud800 high"}',
    '{"a":"lone \\uDC00 low"}',
    '{"a":"pair \\ud83d\\ude00 kept"}',
    '{"a":"an escaped backslash \\\\u0000 is no NUL"}',
    '{"a":"brackets in a string [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ do not nest"}',
    '{"a":"quote \\" then [[["}',
    nested(32),
    nested(33),
    `{"a":${nested(31)}}`,
    `{"a":${nested(32)}}`,
  ];
  for (const text of texts) assert.deepEqual(checkStorableJson(text, JSON.parse(text)), checkStorable(JSON.parse(text)), text);
  assert.equal(checkStorableJson(null, { a: 'x\u0000' }).ok, false, 'no text: the value is walked');
});
