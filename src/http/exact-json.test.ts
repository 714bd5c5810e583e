import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExactDecimal } from '../bonus/decimal-units.ts';
import { writeExactJson } from './exact-json.ts';

test('an exact decimal is a JSON number with every digit; the rest is what JSON.stringify writes', () => {
  const answer = { total: { count: 2, amount: new ExactDecimal('599999999999.0003') }, at: new Date(0), skipped: undefined, list: [new ExactDecimal('-1.50'), undefined, 'a"b'] };
  assert.equal(writeExactJson(answer), '{"total":{"count":2,"amount":599999999999.0003},"at":"1970-01-01T00:00:00.000Z","list":[-1.5,null,"a\\"b"]}');
  assert.equal(JSON.stringify(answer.total), '{"count":2,"amount":599999999999.0002}');
  assert.equal(writeExactJson(null), 'null');
});

test('a decimal keeps no scale of its own (numeric "100.5000" is 100.5) and nothing but a decimal is one', () => {
  assert.equal(new ExactDecimal('100.5000').text, '100.5');
  assert.equal(new ExactDecimal('7.000').text, '7');
  assert.equal(Number(new ExactDecimal('12.25')), 12.25);
  for (const text of ['NaN', '1e5', '', '.5', '1.', '--1']) assert.throws(() => new ExactDecimal(text), text);
});
