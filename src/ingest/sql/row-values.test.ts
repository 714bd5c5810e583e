import assert from 'node:assert/strict';
import { test } from 'node:test';
import { booleanOf, columnWithNul, instantOf, isZeroDate, normaliseDate, numberOf, textOf } from './row-values.ts';

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

test('years below 100 are those years, not 19xx: a birth date 0050-03-01 or a year-99 typo reads as written', () => {
  assert.equal(normaliseDate('0050-03-01', true), '0050-03-01');
  assert.equal(normaliseDate('0099-12-31 00:00:00', true), '0099-12-31');
  assert.equal(normaliseDate('0001-01-01', false), '0001-01-01');
  assert.equal(normaliseDate('0050-03-01 10:11:12', false), '0050-03-01T10:11:12.000Z');
  assert.equal(instantOf('0099-12-31'), '0099-12-31T00:00:00.000Z');
  assert.equal(normaliseDate('0050-02-29', true), null);
  assert.equal(normaliseDate('0048-02-29', true), '0048-02-29');
});

test('a date no PostgreSQL column or ISO text holds (year 0, past 9999) is refused, never read as another date', () => {
  assert.equal(normaliseDate('0000-03-01', true), null);
  assert.equal(normaliseDate('10000-01-01', true), null);
  // an offset that carries the instant across year 1 or 9999
  assert.equal(instantOf('9999-12-31 23:00:00-03:00'), undefined);
  assert.equal(instantOf('0001-01-01 01:00:00+03:00'), undefined);
  // the day as written is still a day for a plain date
  assert.equal(normaliseDate('0001-01-01 01:00:00+03:00', true), '0001-01-01');
});

test('dates handed over as JS Dates read as their day; a year-0 or past-9999 Date is refused, not read as no date', () => {
  const day = (year: number) => {
    const date = new Date(0);
    date.setUTCFullYear(year, 2, 1);
    return date;
  };
  assert.equal(instantOf(day(50)), '0050-03-01T00:00:00.000Z');
  // pg reads '0001-03-01 BC' as a Date of year 0: a real day, not MySQL's "0000-00-00"
  assert.equal(isZeroDate(textOf(day(0))!), false);
  assert.equal(instantOf(day(0)), undefined);
  assert.equal(instantOf(day(10000)), undefined);
  assert.equal(instantOf(new Date(Number.NaN)), null);
});

test('a NUL character is found in any text column', () => {
  assert.equal(columnWithNul({ a: 'ok', b: 'x\u0000y', c: 3 }), 'b');
  assert.equal(columnWithNul({ a: 'ok', c: null }), undefined);
});
