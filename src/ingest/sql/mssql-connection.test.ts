import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mssqlPoolConfig, parseMssqlUrl, type MssqlSettings } from './mssql-connection.ts';

const settings = (url: string): MssqlSettings => {
  const parsed = parseMssqlUrl(url);
  assert.ok(parsed.ok, `expected ${url} to parse: ${parsed.ok ? '' : parsed.error.join('; ')}`);
  return parsed.value;
};
const problems = (url: string): string => {
  const parsed = parseMssqlUrl(url);
  assert.ok(!parsed.ok, `expected ${url} to be refused`);
  return parsed.error.join(' | ');
};

test('an MS SQL Server URL gives the server, database, credentials and secure defaults', () => {
  assert.deepEqual(settings('mssql://reader:s%40cr%3At%2F@db.shop.example:1433/crm'), {
    server: 'db.shop.example',
    port: 1433,
    instanceName: undefined,
    database: 'crm',
    user: 'reader',
    password: 's@cr:t/',
    encrypt: true,
    trustServerCertificate: false,
    connectTimeoutMs: 15_000,
    queryTimeoutMs: 120_000,
  });
  const options = settings('sqlserver://sa:pw@10.0.0.5?encrypt=false&trustServerCertificate=true&instanceName=SQLEXPRESS&connectTimeout=3000&queryTimeout=0');
  assert.equal(options.port, undefined);
  assert.equal(options.database, undefined);
  assert.deepEqual([options.encrypt, options.trustServerCertificate, options.instanceName, options.connectTimeoutMs, options.queryTimeoutMs], [false, true, 'SQLEXPRESS', 3000, 0]);
  assert.equal(settings('mssql://u:@[::1]:1433/db').server, '::1');
  assert.equal(settings('mssql://u:@[::1]:1433/db').password, '');
});

test('bad MS SQL Server URLs are refused with every problem named, and never echo the password', () => {
  assert.match(problems('db.shop.example:1433'), /not a URL|scheme must be mssql:\/\//);
  assert.match(problems('postgres://u:p@h/db'), /scheme must be mssql:\/\/ or sqlserver:\/\//);
  assert.match(problems('mssql:///db'), /no host/);
  assert.match(problems('mssql://db.shop.example/db'), /no user name/);
  assert.match(problems('mssql://u:p@h/db?encrypt=yes'), /option encrypt must be true or false, not "yes"/);
  assert.match(problems('mssql://u:p@h/db?encrpyt=true'), /unknown option encrpyt \(known: encrypt, /);
  assert.match(problems('mssql://u:p@h/db?connectTimeout=0'), /connectTimeout must be a whole number of milliseconds above 0/);
  assert.match(problems('mssql://u:p@h/db?queryTimeout=1.5'), /queryTimeout must be a whole number of milliseconds \(0: no limit\)/);
  assert.match(problems('mssql://u:p@h:1433/db?instanceName=X'), /a port or an instanceName, not both/);
  assert.match(problems('mssql://u:p@h/db/dbo'), /the database name alone/);
  assert.match(problems('mssql://u:p@h/db?encrypt=true&encrypt=false'), /option encrypt is given twice/);
  assert.match(problems('mssql://u:p%ZZ@h/db'), /password has a malformed percent-encoding/);
  assert.match(problems('mssql://u:p#x@h/db'), /not a URL.*percent-encode @ : \/ \? # % in the user name and password/);
  assert.match(problems('mssql://u:p@h/db#x'), /fragment/);
  const all = problems('mssql://reader:Hunter2Secret@h:1433/a/b?encrypt=maybe&x=1&instanceName=I');
  assert.equal(all.split(' | ').length, 4, all);
  assert.ok(!all.includes('Hunter2Secret'));
});

test('the pool is small, reads date-times as UTC wall-clock values and carries the URL settings', () => {
  const config = mssqlPoolConfig(settings('mssql://reader:pw@db:1433/crm?trustServerCertificate=true&queryTimeout=60000'));
  assert.equal(config.pool?.max, 2);
  assert.equal(config.options?.useUTC, true);
  assert.deepEqual([config.server, config.port, config.database, config.user, config.password], ['db', 1433, 'crm', 'reader', 'pw']);
  assert.deepEqual([config.options?.encrypt, config.options?.trustServerCertificate, config.requestTimeout, config.connectionTimeout], [true, true, 60_000, 15_000]);
  const named = mssqlPoolConfig(settings('mssql://reader:pw@db/crm?instanceName=SHOP'));
  assert.equal(named.port, undefined);
  assert.equal(named.options?.instanceName, 'SHOP');
});

test("an approved address is where the pool connects; the URL's host stays the TLS server name", () => {
  const pinned = mssqlPoolConfig(settings('mssql://reader:pw@db.shop.example/crm'), '203.0.113.7');
  assert.deepEqual([pinned.server, pinned.options?.serverName, pinned.options?.encrypt], ['203.0.113.7', 'db.shop.example', true]);
  assert.equal(mssqlPoolConfig(settings('mssql://reader:pw@db.shop.example/crm')).options?.serverName, undefined);
  assert.equal(mssqlPoolConfig(settings('mssql://reader:pw@203.0.113.7/crm'), '203.0.113.7').options?.serverName, undefined, 'no name to keep');
});
