import assert from 'node:assert/strict';
import { test } from 'node:test';
import { booleanOf, columnWithNul, instantOf, numberOf, textOf } from './row-values.ts';

test('text is trimmed and an empty cell is no value', () => {
  assert.equal(textOf('  Ann '), 'Ann');
  assert.equal(textOf('   '), null);
  assert.equal(textOf(null), null);
  assert.equal(textOf(42), '42');
});

test('numbers are read strictly: a cell that is not a number is undefined, not 0 or NaN', () => {
  assert.equal(numberOf('12.50'), 12.5);
  assert.equal(numberOf(' -3 '), -3);
  assert.equal(numberOf(7), 7);
  assert.equal(numberOf(''), null);
  assert.equal(numberOf('12,50'), undefined);
  assert.equal(numberOf('1e999'), undefined);
  assert.equal(numberOf('abc'), undefined);
  assert.equal(numberOf(Number.NaN), undefined);
});

test('booleans accept the usual SQL spellings and nothing else', () => {
  for (const yes of [true, 1, '1', 'TRUE', 't', 'yes', 'Y']) assert.equal(booleanOf(yes), true, String(yes));
  for (const no of [false, 0, '0', 'false', 'F', 'no', 'n']) assert.equal(booleanOf(no), false, String(no));
  assert.equal(booleanOf(null), null);
  assert.equal(booleanOf('maybe'), undefined);
});

test('instants are ISO UTC; a plain date is its midnight UTC; an impossible date is undefined', () => {
  assert.equal(instantOf('2026-11-22 10:11:12'), '2026-11-22T10:11:12.000Z');
  assert.equal(instantOf('2026-11-22T10:11:12+03:00'), '2026-11-22T07:11:12.000Z');
  assert.equal(instantOf('2026-11-22'), '2026-11-22T00:00:00.000Z');
  assert.equal(instantOf('2026-02-30'), undefined);
  assert.equal(instantOf(''), null);
  // MySQL's zero dates mean "no date"
  assert.equal(instantOf('0000-00-00 00:00:00'), null);
  assert.equal(instantOf('2026-11-00'), null);
  // and so do PostgreSQL's infinities (a promo code that never expires)
  assert.equal(instantOf('infinity'), null);
  assert.equal(instantOf('-infinity'), null);
  assert.equal(instantOf('infinityx'), undefined);
});

test('a NUL character is found in any text column', () => {
  assert.equal(columnWithNul({ a: 'ok', b: 'x\u0000y', c: 3 }), 'b');
  assert.equal(columnWithNul({ a: 'ok', c: null }), undefined);
});
