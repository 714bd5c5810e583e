import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCountQuery, buildPackQuery, checkPackQuerySpec, type PackQuerySpec } from './build-pack-query.ts';
import type { SqlDialect } from './sql-source.ts';

const spec = (dialect: SqlDialect, over: Partial<PackQuerySpec> = {}): PackQuerySpec => ({
  dialect,
  query: 'SELECT id AS local_id, changed AS updated_at, tenant FROM customers WHERE changed >= {$last_date}',
  mode: 'date',
  cursorColumn: 'updated_at',
  keyColumn: 'local_id',
  packSize: 10_000,
  ...over,
});
const hostile = "'; DROP TABLE customers; --";

test('by date, every dialect binds the cursor pair and the tenant as parameters, numbered in order', () => {
  const cursor = { value: hostile, key: '42' };
  const tenant = { column: 'tenant', value: 'acme' };
  const inner = 'SELECT id AS local_id, changed AS updated_at, tenant FROM customers WHERE changed >= ';
  const expected: Record<SqlDialect, string> = {
    postgres: `SELECT * FROM (${inner}$1\n) smartcom_src WHERE (updated_at > $2 OR (updated_at = $3 AND local_id > $4)) AND tenant = $5 ORDER BY updated_at, local_id LIMIT 10000`,
    mysql: `SELECT * FROM (${inner}?\n) smartcom_src WHERE (updated_at > ? OR (updated_at = ? AND local_id > ?)) AND tenant = ? ORDER BY updated_at, local_id LIMIT 10000`,
    mssql: `SELECT * FROM (${inner}@p1\n) smartcom_src WHERE (updated_at > @p2 OR (updated_at = @p3 AND local_id > @p4)) AND tenant = @p5 ORDER BY updated_at, local_id OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY`,
    oracle: `SELECT * FROM (${inner}:1\n) smartcom_src WHERE (updated_at > :2 OR (updated_at = :3 AND local_id > :4)) AND tenant = :5 ORDER BY smartcom_src.updated_at, smartcom_src.local_id FETCH FIRST 10000 ROWS ONLY`,
  };
  for (const dialect of ['postgres', 'mysql', 'mssql', 'oracle'] as const) {
    const built = buildPackQuery(spec(dialect, { tenant }), cursor, '1970-01-01');
    assert.equal(built.sql, expected[dialect]);
    assert.deepEqual(built.params, [hostile, hostile, hostile, '42', 'acme']);
    assert.ok(!built.sql.includes('DROP'), 'a value never reaches the text');
  }
});

test('the first run binds startFrom and has no cursor condition; by id the cursor is one value', () => {
  const byId = spec('postgres', { query: 'SELECT customer_id AS local_id FROM customers WHERE customer_id > {$last_id}', mode: 'id', cursorColumn: 'local_id', packSize: 500 });
  assert.deepEqual(buildPackQuery(byId, null, '0'), {
    sql: 'SELECT * FROM (SELECT customer_id AS local_id FROM customers WHERE customer_id > $1\n) smartcom_src ORDER BY local_id LIMIT 500',
    params: ['0'],
  });
  assert.deepEqual(buildPackQuery(byId, { value: '17', key: null }, '0').params, ['17', '17']);
  assert.match(buildPackQuery(byId, { value: '17', key: null }, '0').sql, /WHERE local_id > \$2 ORDER BY local_id LIMIT 500$/);
});

test('specs that would read wrongly or unsafely are refused with a reason', () => {
  assert.deepEqual(checkPackQuerySpec(spec('mysql')), []);
  const problems = (over: Partial<PackQuerySpec>) => checkPackQuerySpec(spec('mysql', over)).join(' | ');
  assert.match(problems({ query: 'SELECT * FROM customers' }), /needs a cursor placeholder/);
  assert.match(problems({ query: 'SELECT * FROM c WHERE changed > {$last_date}' }), /must follow ">="/);
  assert.match(problems({ query: 'SELECT * FROM c WHERE changed >= {$last_date} LIMIT 10000' }), /leave ORDER BY and LIMIT out/);
  assert.match(problems({ query: 'SELECT * FROM c WHERE changed >= {$last_date} ORDER BY changed' }), /leave ORDER BY and LIMIT out/);
  assert.equal(problems({ query: "SELECT 'limit' AS x, changed FROM c WHERE changed >= {$last_date}" }), '');
  assert.match(problems({ query: "SELECT * FROM c WHERE changed >= '{$last_date}'" }), /do not quote the placeholder/);
  assert.match(problems({ cursorColumn: 'x; DROP TABLE y' }), /cursorColumn .* plain column name/);
  assert.match(problems({ tenant: { column: 'a b', value: 'x' } }), /tenant.column/);
  assert.equal(checkPackQuerySpec(spec('mysql', { mode: 'id', query: 'SELECT a FROM c WHERE a > {$last_id}' })).length, 0);
});

test('the count of rows to read has the pack query\'s conditions and parameters, without order or limit, in every dialect', () => {
  const cursor = { value: '2026-01-01 10:00:00', key: '7' };
  for (const dialect of ['postgres', 'mysql', 'mssql', 'oracle'] as const) {
    const s = spec(dialect, { tenant: { column: 'tenant', value: 'acme' } });
    const pack = buildPackQuery(s, cursor, '1970-01-01');
    const count = buildCountQuery(s, cursor, '1970-01-01');
    assert.deepEqual(count.params, pack.params, dialect);
    assert.equal(count.sql, `SELECT count(*) AS remaining ${pack.sql.slice('SELECT * '.length, pack.sql.indexOf(' ORDER BY '))}`, dialect);
    assert.doesNotMatch(count.sql, /ORDER BY|LIMIT|FETCH/, dialect);
  }
});

test("the seed's trailing semicolon is dropped, and a trailing line comment cannot swallow the wrapping", () => {
  const withSemicolon = spec('mysql', { query: 'SELECT customer_id AS local_id FROM customers WHERE customer_id > {$last_id};  \n', mode: 'id', cursorColumn: 'local_id', packSize: 10 });
  assert.equal(buildPackQuery(withSemicolon, null, '0').sql, 'SELECT * FROM (SELECT customer_id AS local_id FROM customers WHERE customer_id > ?\n) smartcom_src ORDER BY local_id LIMIT 10');
  const withComment = spec('postgres', { query: 'SELECT customer_id AS local_id FROM customers WHERE customer_id > {$last_id} -- the loyalty members', mode: 'id', cursorColumn: 'local_id', packSize: 10 });
  assert.equal(
    buildPackQuery(withComment, null, '0').sql,
    'SELECT * FROM (SELECT customer_id AS local_id FROM customers WHERE customer_id > $1 -- the loyalty members\n) smartcom_src ORDER BY local_id LIMIT 10',
  );
  // MySQL's own line comment
  const hashComment = spec('mysql', { query: 'SELECT customer_id AS local_id FROM customers WHERE customer_id > {$last_id} # members', mode: 'id', cursorColumn: 'local_id', packSize: 10 });
  assert.match(buildPackQuery(hashComment, null, '0').sql, /# members\n\) smartcom_src/);
});

test('a terminator followed by a comment is dropped too, so the wrapped query stays one statement', () => {
  const s = spec('postgres', { query: 'SELECT customer_id AS local_id FROM customers WHERE customer_id > {$last_id}; -- members', mode: 'id', cursorColumn: 'local_id', packSize: 10 });
  assert.equal(buildPackQuery(s, null, '0').sql, 'SELECT * FROM (SELECT customer_id AS local_id FROM customers WHERE customer_id > $1 -- members\n) smartcom_src ORDER BY local_id LIMIT 10');
});
