import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPackQuery } from './build-pack-query.ts';
import { lookBackCursor } from './look-back.ts';
import { exactTemporalQuery, exactTextFormat, lowerCaseRow, ORACLE_SESSION_SQL, oracleNumberText, type OracleColumn } from './oracle-values.ts';
import { instantOf } from './row-values.ts';

const col = (name: string, dbType: string, precision?: number): OracleColumn => ({ name, dbType, precision });

test('each date-time type is written with every digit it has', () => {
  assert.equal(exactTextFormat(col('D', 'DB_TYPE_DATE')), 'YYYY-MM-DD HH24:MI:SS');
  assert.equal(exactTextFormat(col('T', 'DB_TYPE_TIMESTAMP', 6)), 'YYYY-MM-DD HH24:MI:SS.FF6');
  assert.equal(exactTextFormat(col('T', 'DB_TYPE_TIMESTAMP', 9)), 'YYYY-MM-DD HH24:MI:SS.FF9');
  assert.equal(exactTextFormat(col('T', 'DB_TYPE_TIMESTAMP', 0)), 'YYYY-MM-DD HH24:MI:SS');
  assert.equal(exactTextFormat(col('T', 'DB_TYPE_TIMESTAMP')), 'YYYY-MM-DD HH24:MI:SS.FF');
  assert.equal(exactTextFormat(col('T', 'DB_TYPE_TIMESTAMP_LTZ', 3)), 'YYYY-MM-DD HH24:MI:SS.FF3');
  assert.equal(exactTextFormat(col('T', 'DB_TYPE_TIMESTAMP_TZ', 6)), 'YYYY-MM-DD HH24:MI:SS.FF6TZH:TZM');
  assert.equal(exactTextFormat(col('T', 'DB_TYPE_TIMESTAMP_TZ', 0)), 'YYYY-MM-DD HH24:MI:SS.FF1TZH:TZM');
  for (const other of ['DB_TYPE_NUMBER', 'DB_TYPE_VARCHAR', 'DB_TYPE_CLOB', 'DB_TYPE_RAW', 'DB_TYPE_INTERVAL_DS']) assert.equal(exactTextFormat(col('X', other)), null);
});

test('the texts those formats give are what the session formats read back and what smartcom reads', () => {
  // NLS formats that read the text back: the same pattern, FF without digits reading any number of them.
  assert.match(ORACLE_SESSION_SQL, /^ALTER SESSION SET /);
  assert.ok(ORACLE_SESSION_SQL.includes("NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS'"));
  assert.ok(ORACLE_SESSION_SQL.includes("NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF'"));
  assert.ok(ORACLE_SESSION_SQL.includes("NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FFTZH:TZM'"));
  for (const setting of ["NLS_NUMERIC_CHARACTERS = '.,'", "NLS_SORT = 'BINARY'", "NLS_COMP = 'BINARY'", "TIME_ZONE = '+00:00'"]) assert.ok(ORACLE_SESSION_SQL.includes(setting), setting);
  // Text in those shapes (TO_CHAR with FF6 / FF6TZH:TZM) is an instant for the mappers and a cursor the look-back window can move.
  assert.equal(instantOf('2026-03-29 02:30:00.123456'), '2026-03-29T02:30:00.123Z');
  assert.equal(instantOf('2026-03-29 02:30:00.123456+03:00'), '2026-03-28T23:30:00.123Z');
  assert.deepEqual(lookBackCursor({ value: '2026-03-29 02:30:00.123456', key: '7' }, 60), { value: '2026-03-29 02:29:00.123456', key: null });
  assert.deepEqual(lookBackCursor({ value: '2026-03-29 02:30:00.123456+03:00', key: '7' }, 60), { value: '2026-03-28 23:29:00.123456+00:00', key: null });
});

test('a pack query reads its date-time columns through TO_CHAR in place of its *, beside its own typed ORDER BY', () => {
  const pack = buildPackQuery(
    {
      dialect: 'oracle',
      query: 'SELECT id AS local_id, changed AS updated_at, tenant FROM customers WHERE changed >= {$last_date}',
      mode: 'date',
      cursorColumn: 'updated_at',
      keyColumn: 'local_id',
      tenant: { column: 'tenant', value: 'acme' },
      packSize: 500,
    },
    { value: '2026-01-01 10:00:00.000001', key: '42' },
    '1970-01-01 00:00:00',
  );
  const columns = [col('LOCAL_ID', 'DB_TYPE_NUMBER'), col('UPDATED_AT', 'DB_TYPE_TIMESTAMP', 6), col('TENANT', 'DB_TYPE_VARCHAR')];
  const exact = exactTemporalQuery(pack.sql, columns);
  const projection = `SELECT "LOCAL_ID", TO_CHAR("UPDATED_AT", 'YYYY-MM-DD HH24:MI:SS.FF6') AS "UPDATED_AT", "TENANT" FROM (`;
  assert.equal(exact, projection + pack.sql.slice('SELECT * FROM ('.length));
  assert.match(exact, /ORDER BY smartcom_src\.updated_at, smartcom_src\.local_id FETCH FIRST 500 ROWS ONLY$/);
  assert.deepEqual(exact.match(/:\d/g), [':1', ':2', ':3', ':4', ':5'], 'the binds are untouched');
  // Without a date-time column the query runs as built.
  assert.equal(exactTemporalQuery(pack.sql, [col('LOCAL_ID', 'DB_TYPE_NUMBER')]), pack.sql);
  // Any other query is wrapped, its own text unchanged inside.
  assert.equal(
    exactTemporalQuery('SELECT created FROM t WHERE id > :1', [col('CREATED', 'DB_TYPE_DATE')]),
    `SELECT TO_CHAR("CREATED", 'YYYY-MM-DD HH24:MI:SS') AS "CREATED" FROM (SELECT created FROM t WHERE id > :1) smartcom_exact`,
  );
});

test('NUMBER text gets its leading zero; rows get lower-case column names', () => {
  assert.equal(oracleNumberText('.5'), '0.5');
  assert.equal(oracleNumberText('-.25'), '-0.25');
  assert.equal(oracleNumberText('9007199254740993'), '9007199254740993');
  assert.equal(oracleNumberText('-12.5'), '-12.5');
  assert.equal(oracleNumberText(null), null);
  assert.deepEqual(lowerCaseRow({ LOCAL_ID: '1', UPDATED_AT: '2026-01-01 10:00:00', MixedCase: null }), { local_id: '1', updated_at: '2026-01-01 10:00:00', mixedcase: null });
  assert.throws(() => lowerCaseRow({ EMAIL: 'a@b', email: 'c@d' }), /two columns named "email"/);
});
