import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boolean, instant, number, readRequiredColumns, text } from './row-columns.ts';

const specs = { id: text('local_id'), price: number('price'), on: boolean('available'), at: instant('date') };

test('columns read into typed values; an absent or empty column is null', () => {
  assert.deepEqual(readRequiredColumns({ local_id: 7, price: ' 1.5 ', available: 'Y', date: '2026-01-02 03:04:05+03' }, specs, ['id']), {
    ok: true,
    value: { id: '7', price: 1.5, on: true, at: '2026-01-02T00:04:05.000Z' },
  });
  assert.deepEqual(readRequiredColumns({ local_id: 'x', price: '' }, specs, ['id']), { ok: true, value: { id: 'x', price: null, on: null, at: null } });
});

test('a missing required column is named before anything else; then NUL; then the first unreadable cell', () => {
  assert.deepEqual(readRequiredColumns({ price: 'x\u0000' }, specs, ['id']), { ok: false, error: 'missing local_id' });
  assert.deepEqual(readRequiredColumns({ local_id: 1, other: 'a\u0000', price: 'x' }, specs, ['id']), { ok: false, error: 'other contains a NUL character' });
  assert.deepEqual(readRequiredColumns({ local_id: 1, price: 'NaN' }, specs, ['id']), { ok: false, error: 'unparseable price "NaN"' });
  assert.deepEqual(readRequiredColumns({ local_id: 1, available: 2 }, specs, ['id']), { ok: false, error: 'unparseable available "2"' });
  assert.deepEqual(readRequiredColumns({ local_id: 1, date: '31.12.2026' }, specs, ['id']), { ok: false, error: 'unparseable date "31.12.2026"' });
});
