import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PackQuerySpec } from './build-pack-query.ts';
import { CursorColumnMissingError, cursorAfter } from './read-next-pack.ts';

const byDate: PackQuerySpec = { dialect: 'postgres', query: 'SELECT 1 WHERE d >= {$cursor}', mode: 'date', cursorColumn: 'd', keyColumn: 'local_id', packSize: 2 };

test("the next pack starts after the last row's cursor value and key; an empty pack leaves the cursor", () => {
  const before = { value: '2026-01-01 00:00:00', key: '9' };
  assert.deepEqual(cursorAfter(byDate, [{ d: '2026-01-02 00:00:00', local_id: 3 }, { d: '2026-01-02 00:00:00', local_id: 4 }], before), { value: '2026-01-02 00:00:00', key: '4' });
  assert.deepEqual(cursorAfter(byDate, [], before), before);
  assert.deepEqual(cursorAfter({ ...byDate, mode: 'id', cursorColumn: 'local_id' }, [{ local_id: 12n }], null), { value: '12', key: null });
});

test('a row without a cursor or key value stops the run instead of restarting it from the start', () => {
  assert.throws(() => cursorAfter(byDate, [{ d: null, local_id: 1 }], null), CursorColumnMissingError);
  assert.throws(() => cursorAfter(byDate, [{ d: '2026-01-01', local_id: null }], null), /key column "local_id"/);
});
