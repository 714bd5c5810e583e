import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shortestFloat32 } from '../src/ingest/sql/mysql-source.ts';
import { registerSqlImportScenarios } from './support/sql-import-scenarios.ts';
import { createMariadbSource } from './support/sql-source-servers.ts';

// Issue 4: the import scenarios with a MariaDB (MySQL) server as the retailer's source.
registerSqlImportScenarios(createMariadbSource);

test('MySQL FLOAT columns read as written (19.99, not the widened float32 19.989999771118164); DOUBLE and DECIMAL untouched', async () => {
  const source = await createMariadbSource();
  const reader = source.open();
  try {
    await source.exec('CREATE TABLE prices (id int PRIMARY KEY, price float, old_price float(7,2), tiny float, big float, exact double, money decimal(12,2))');
    await source.exec('INSERT INTO prices VALUES (1, 19.99, 1234.56, 0.1, 123456.78, 0.1, 1299.90), (2, NULL, NULL, -3.3e-5, 1e20, 19.99, NULL)');
    const rows = await reader.query('SELECT * FROM prices WHERE id > ? ORDER BY id', [0]);
    assert.deepEqual(rows[0], { id: 1, price: 19.99, old_price: 1234.56, tiny: 0.1, big: 123456.78, exact: 0.1, money: '1299.90' });
    assert.deepEqual(rows[1], { id: 2, price: null, old_price: null, tiny: -0.000033, big: 1e20, exact: 19.99, money: null });
  } finally {
    await reader.close();
    await source.drop();
  }
});

test('shortestFloat32 gives the shortest decimal of the same float32', () => {
  for (const written of [19.99, 0.1, 1234.56, 1299.9, 12.3, 123456.78, 16777216, -0.5, 0, 3.4028235e38]) {
    assert.equal(shortestFloat32(Math.fround(written)), written);
  }
  assert.equal(shortestFloat32(Math.fround(123456.789)), 123456.79, 'a float32 holds no more digits than that');
});
