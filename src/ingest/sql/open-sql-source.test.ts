import assert from 'node:assert/strict';
import { test } from 'node:test';
import oracledb from 'oracledb';
import { openSqlSource } from './open-sql-source.ts';
import { exactFetchType } from './oracle-source.ts';
import { SourceUrlError } from './source-url.ts';
import type { SqlDialect } from './sql-source.ts';

test('each dialect opens its own connector, lazily: nothing connects before the first read', async () => {
  const urls: Record<SqlDialect, string> = {
    postgres: 'postgres://reader:pw@127.0.0.1:1/crm',
    mysql: 'mysql://reader:pw@127.0.0.1:1/crm',
    mssql: 'mssql://reader:pw@127.0.0.1:1/crm',
    oracle: 'oracle://reader:pw@127.0.0.1:1/CRM',
  };
  for (const dialect of Object.keys(urls) as SqlDialect[]) {
    const source = openSqlSource({ name: 'shop', dialect, url: urls[dialect] });
    assert.equal(source.dialect, dialect);
    await source.close();
  }
});

test('an empty list of approved addresses is refused, never read as "connect by name"', () => {
  for (const dialect of ['postgres', 'mysql', 'mssql', 'oracle'] as const) {
    const url = `${dialect}://reader:pw@db.shop.example:1/CRM`;
    assert.throws(() => openSqlSource({ name: 'shop', dialect, url }, []), (error: unknown) => error instanceof SourceUrlError && /no approved address/.test(error.message));
  }
});

test('an MS SQL Server or Oracle URL the connector cannot use is refused by name, without the password', () => {
  for (const [dialect, url] of [['mssql', 'mssql://reader:Hunter2Secret@db/crm?encrypt=maybe'], ['oracle', 'oracle://reader:Hunter2Secret@db']] as const) {
    assert.throws(
      () => openSqlSource({ name: 'shop', dialect, url }),
      (error: unknown) => error instanceof SourceUrlError && /^source\.url: /.test(error.message) && !error.message.includes('Hunter2Secret'),
    );
  }
});

test('Oracle NUMBER is fetched as its exact text and CLOBs as text; other types are left to the driver', () => {
  const number = exactFetchType({ name: 'ID', dbType: oracledb.DB_TYPE_NUMBER });
  assert.equal(number?.type, oracledb.STRING);
  assert.equal(number?.converter?.('.5'), '0.5');
  assert.equal(number?.converter?.('123456789012345678901234567890'), '123456789012345678901234567890');
  assert.equal(exactFetchType({ name: 'NOTE', dbType: oracledb.DB_TYPE_CLOB })?.type, oracledb.STRING);
  assert.equal(exactFetchType({ name: 'NOTE', dbType: oracledb.DB_TYPE_NCLOB })?.type, oracledb.STRING);
  assert.equal(exactFetchType({ name: 'NAME', dbType: oracledb.DB_TYPE_VARCHAR }), undefined);
  assert.equal(oracledb.thin, true, 'Thin mode: no Oracle Client libraries loaded');
});
