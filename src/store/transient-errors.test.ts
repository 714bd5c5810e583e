import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTransientStoreError } from './transient-errors.ts';

test('a store that cannot write at all (disk full, out of memory, I/O error) is an outage, not a bad event', () => {
  for (const code of ['53100', '53200', '58030', '08006', '57P01']) assert.equal(isTransientStoreError({ code, message: 'x' }), true, code);
  // a value PostgreSQL refuses is the event's own problem
  for (const code of ['22007', '22P02', '23505']) assert.equal(isTransientStoreError({ code, message: 'x' }), false, code);
});
