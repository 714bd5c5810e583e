import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseImportJob, redactSourceUrl } from './job-config.ts';

test('a source URL is shown without its password or secret parameters', () => {
  assert.equal(redactSourceUrl('postgres://reader:secret@db.shop.example:5432/crm'), 'postgres://reader:***@db.shop.example:5432/crm');
  assert.equal(redactSourceUrl('mysql://reader:p%40ss@db/crm?ssl=true'), 'mysql://reader:***@db/crm?ssl=true');
  assert.equal(redactSourceUrl('postgres://db/crm?sslmode=require&sslpassword=key-pass'), 'postgres://db/crm?sslmode=require&sslpassword=***');
  assert.equal(redactSourceUrl('mysql://root@127.0.0.1:3306/test'), 'mysql://root@127.0.0.1:3306/test');
});

test('a connection string that is not a URL has its password values masked', () => {
  assert.equal(redactSourceUrl('Server=db;User Id=reader;Password=secret;Database=crm'), 'Server=db;User Id=reader;Password=***;Database=crm');
  assert.equal(redactSourceUrl('reader/secret@db.shop.example:1521/XE'), 'reader/***@db.shop.example:1521/XE');
});

test('a password holding "/" or "@" (a URL too broken to parse) is masked whole', () => {
  assert.equal(redactSourceUrl('postgres://u:se/cr@t@h/db'), 'postgres://u:***@h/db');
});

test("a job's key column defaults to its entity's key", () => {
  const base = { name: 'j', source: { name: 's', dialect: 'postgres', url: 'postgres://h/db' }, query: 'SELECT * FROM t WHERE d >= {$last_date}', mode: 'date', cursorColumn: 'd' };
  const keyOf = (entity: string, extra: object = {}) => {
    const parsed = parseImportJob({ ...base, entity, ...extra });
    assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.error));
    return parsed.value.keyColumn;
  };
  assert.equal(keyOf('customers'), 'local_id');
  assert.equal(keyOf('promo_codes'), 'code');
  assert.equal(keyOf('bonus_balances'), 'customer_id');
  assert.equal(keyOf('promo_codes', { keyColumn: 'promo_code' }), 'promo_code');
});

test('a malformed job names each field once, and the allowed values of a field of fixed choices', () => {
  const parsed = parseImportJob({ name: 'a', source: { name: 's', dialect: 'db2', url: 'x' }, entity: 'cats', mode: 'id', query: 'q' });
  assert.ok(!parsed.ok);
  assert.deepEqual(parsed.error, [
    '/cursorColumn: Expected required property',
    '/source/dialect: expected one of postgres, mysql, mssql, oracle',
    '/entity: expected one of customers, receipts, receipt_lines, events, products, product_categories, bonus_balances, promo_codes',
  ]);
});

test("a PostgreSQL or MySQL source is a URL of its dialect's scheme (the drivers read other strings their own way)", () => {
  const job = (dialect: string, url: string) => parseImportJob({ name: 'j', source: { name: 's', dialect, url }, entity: 'customers', mode: 'id', cursorColumn: 'id', query: 'SELECT * FROM t WHERE id > {$last_id}' });
  const problemsOf = (dialect: string, url: string) => {
    const parsed = job(dialect, url);
    return parsed.ok ? '' : parsed.error.join('\n');
  };
  assert.match(problemsOf('postgres', '/var/run/postgresql smartcom'), /source\.url: not a URL; expected postgres:\/\//);
  assert.match(problemsOf('postgres', 'mysql://reader@db/crm'), /scheme must be postgres:\/\/ or postgresql:\/\/ for a postgres source, not mysql:\/\//);
  assert.match(problemsOf('mysql', 'postgres://reader@db/crm'), /scheme must be mysql:\/\/ or mariadb:\/\//);
  assert.equal(problemsOf('postgres', 'postgresql://reader@db/crm?host=/var/run/postgresql'), '');
  assert.equal(problemsOf('mysql', 'mariadb://reader@db/crm'), '');
  // The timeouts read as on every connector: whole milliseconds, at most 9 digits (a timer past 2^31 ms fires at once).
  assert.match(problemsOf('postgres', 'postgres://reader@db/crm?queryTimeout=9999999999'), /queryTimeout must be a whole number of milliseconds \(0: no limit\)/);
  assert.match(problemsOf('mysql', 'mysql://reader@db/crm?queryTimeout=1e3'), /queryTimeout must be a whole number/);
  assert.match(problemsOf('mysql', 'mysql://reader@db/crm?connectTimeout=0'), /connectTimeout must be a whole number of milliseconds above 0/);
  assert.equal(problemsOf('postgres', 'postgres://reader@db/crm?queryTimeout=0&connectTimeout=5000'), '');
});
