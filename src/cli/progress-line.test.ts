import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, formatProgress } from './progress-line.ts';

const progress = (rowsRead: number, rowsToRead: number | null) => ({ packs: 1, rowsRead, rowsStored: rowsRead - 10, rowsRejected: 10, cursor: null, rowsToRead });

test('durations read as m:ss or h:mm:ss', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(75), '1:15');
  assert.equal(formatDuration(4000), '1:06:40');
});

test('a counted run shows a bar, its share, the rate and the time left', () => {
  assert.equal(
    formatProgress('shop', progress(30_000, 120_000), 10),
    'shop [#####---------------] 25% 30,000/120,000 rows, ETA 0:30, 3,000 rows/s, elapsed 0:10 (stored 29,990, rejected 10)',
  );
  // rows that arrived during the run: past the count, the bar stays full
  assert.match(formatProgress('shop', progress(130_000, 120_000), 10), /^shop \[#{20}\] 100% 130,000\/120,000 rows, ETA now, /);
  assert.match(formatProgress('shop', progress(0, 0), 0), /^shop \[#{20}\] 100% 0\/0 rows, ETA now, 0 rows\/s/);
});

test('an uncounted run shows rows and rate only', () => {
  assert.equal(formatProgress('shop', progress(30_000, null), 10), 'shop 30,000 rows, 3,000 rows/s, elapsed 0:10 (stored 29,990, rejected 10)');
});
