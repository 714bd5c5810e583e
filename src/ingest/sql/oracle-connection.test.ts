import assert from 'node:assert/strict';
import { test } from 'node:test';
import { oraclePoolAttributes, parseOracleUrl, type OracleSettings } from './oracle-connection.ts';

const settings = (url: string): OracleSettings => {
  const parsed = parseOracleUrl(url);
  assert.ok(parsed.ok, `expected ${url} to parse: ${parsed.ok ? '' : parsed.error.join('; ')}`);
  return parsed.value;
};
const problems = (url: string): string => {
  const parsed = parseOracleUrl(url);
  assert.ok(!parsed.ok, `expected ${url} to be refused`);
  return parsed.error.join(' | ');
};

test('an Oracle URL gives an Easy Connect string, the credentials and the timeouts', () => {
  assert.deepEqual(settings('oracle://reader:s%40cret@db.shop.example:1522/CRM.shop.example'), {
    user: 'reader',
    password: 's@cret',
    connectString: 'db.shop.example:1522/CRM.shop.example',
    connectTimeoutMs: 15_000,
    queryTimeoutMs: 120_000,
  });
  assert.equal(settings('oracle://u:p@db/FREEPDB1').connectString, 'db:1521/FREEPDB1');
  assert.equal(settings('oracle://u:p@db/FREEPDB1?protocol=tcps').connectString, 'tcps://db:1521/FREEPDB1');
  assert.equal(settings('oracle://u:p@[fd00::5]:1521/XE').connectString, '[fd00::5]:1521/XE');
  const timed = settings('oracle://u:p@db/XE?connectTimeout=2500&queryTimeout=0');
  assert.deepEqual([timed.connectTimeoutMs, timed.queryTimeoutMs], [2500, 0]);
});

test('bad Oracle URLs are refused with every problem named, and never echo the password', () => {
  assert.match(problems('db:1521/XE'), /scheme must be oracle:\/\/|not a URL/);
  assert.match(problems('mssql://u:p@db/XE'), /scheme must be oracle:\/\//);
  assert.match(problems('oracle://u:p@db'), /no service name/);
  assert.match(problems('oracle://u:p@db/XE/other'), /"XE\/other" is not a service name/);
  assert.match(problems('oracle://db/XE'), /no user name/);
  assert.match(problems('oracle://u:p@db/XE?protocol=http'), /protocol must be one of tcp, tcps, not "http"/);
  assert.match(problems('oracle://u:p@db/XE?sid=ORCL'), /unknown option sid \(known: protocol, connectTimeout, queryTimeout\)/);
  assert.match(problems('oracle://u:p@db:0/XE'), /port 0/);
  const all = problems('oracle://reader:Hunter2Secret@db?protocol=x&connectTimeout=soon');
  assert.equal(all.split(' | ').length, 3, all);
  assert.ok(!all.includes('Hunter2Secret'));
});

test('the pool is small and opens no session before the first read; timeouts go in whole seconds', () => {
  const pool = oraclePoolAttributes(settings('oracle://reader:pw@db/XE?connectTimeout=2500'));
  assert.deepEqual(
    { min: pool.poolMin, max: pool.poolMax, connect: pool.connectTimeout, transport: pool.transportConnectTimeout },
    { min: 0, max: 2, connect: 3, transport: 3 },
  );
  assert.deepEqual([pool.user, pool.password, pool.connectString], ['reader', 'pw', 'db:1521/XE']);
});

test('an approved address goes in the connect string over tcp; tcps keeps the name its certificate is checked against', () => {
  const pinned = (url: string, address: string) => {
    const parsed = parseOracleUrl(url, address);
    assert.ok(parsed.ok);
    return parsed.value.connectString;
  };
  assert.equal(pinned('oracle://u:p@db.shop.example:1522/CRM', '203.0.113.7'), '203.0.113.7:1522/CRM');
  assert.equal(pinned('oracle://u:p@db.shop.example/CRM', 'fd00::5'), '[fd00::5]:1521/CRM');
  assert.equal(pinned('oracle://u:p@db.shop.example/CRM?protocol=tcps', '203.0.113.7'), 'tcps://db.shop.example:1521/CRM');
});
