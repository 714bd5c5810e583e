import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoInstant } from './iso-time.ts';

test('ISO 8601 date-times in every form the contracts show read as the same instant', () => {
  const instant = '2021-06-15T06:17:07.000Z';
  for (const text of ['2021-06-15T09:17:07+03:00', '2021-06-15T09:17:07+03', '2021-06-15 09:17:07+03', '2021-06-15T09:17:07+0300', '2021-06-15T06:17:07Z', '2021-06-15T06:17:07', ' 2021-06-15 06:17:07 ', '2021-06-15t06:17:07z']) {
    assert.equal(isoInstant(text), instant, text);
  }
  assert.equal(isoInstant('2021-06-15T01:00:00-05:30'), '2021-06-15T06:30:00.000Z');
  assert.equal(isoInstant('2021-06-15'), '2021-06-15T00:00:00.000Z');
  assert.equal(isoInstant('2021-06-15T06:17'), '2021-06-15T06:17:00.000Z');
  assert.equal(isoInstant('2021-06-15T06:17:07.1234567Z'), '2021-06-15T06:17:07.123Z');
  assert.equal(isoInstant('2021-06-15T06:17:07.5Z'), '2021-06-15T06:17:07.500Z');
  assert.equal(isoInstant('2024-02-29T00:00:00Z'), '2024-02-29T00:00:00.000Z');
  assert.equal(isoInstant('0001-01-01T03:00:00+03:00'), '0001-01-01T00:00:00.000Z');
});

test('what is no date-time, or none PostgreSQL can store, is undefined', () => {
  for (const text of ['2021-02-30T10:00:00Z', '2023-02-29', '2021-13-01', '2021-06-15T24:00:00Z', '2021-06-15T10:60:00Z', '2021-06-15T10:00:60Z',
    '2021-06-15T10:00:00+25:00', '2021-06-15T10:00:00+03:99', '12', 'March 7', '2021-06-15T10:00:00 +03:00', '0000-01-01', '9999-12-31T23:00:00-03:00', '', '2021-06-15-05', '2021-06-15+03']) {
    assert.equal(isoInstant(text), undefined, text);
  }
});
