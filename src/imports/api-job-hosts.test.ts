import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import { apiJobHostProblem, checkApiJobHost, parseAllowedHosts, type ApiJobHostRule } from './api-job-hosts.ts';

const open: ApiJobHostRule = { allowedHosts: [], storeUrl: 'postgres://smartcom:pw@127.0.0.1:5432/smartcom' };
// A job's source as the job check leaves it: the dialect its URL's scheme names.
const sourceOf = (url: string) => ({ url, dialect: (({ postgres: 'postgres', postgresql: 'postgres', mysql: 'mysql', mssql: 'mssql', oracle: 'oracle' }) as const)[url.split(':')[0] as 'postgres'] });
const problem = async (url: string, rule: ApiJobHostRule = open) => (await apiJobHostProblem(sourceOf(url), rule)) ?? '';

test("an API job may not read smartcom's own store, nor connect through a socket", async () => {
  assert.match(await problem('postgres://reader@localhost/smartcom'), /own store/);
  assert.match(await problem('postgresql://x:y@127.0.0.1:5432/smartcom?sslmode=disable'), /own store/);
  assert.match(await problem('postgres://reader@db.shop/crm?host=/var/run/postgresql'), /host parameter/);
  assert.match(await problem('mysql://root@db.shop/crm?socketPath=/run/mysqld/mysqld.sock'), /socketPath|socketpath/i);
  assert.equal(await apiJobHostProblem(sourceOf('mysql://reader@127.0.0.1:3306/smartcom'), open), null);
});

test("without an allow-list, not even another database of the store's server; with it, that server's other databases", async () => {
  assert.match(await problem('postgres://reader@127.0.0.1:5432/crm'), /own database server/);
  const listed = { allowedHosts: ['127.0.0.1'], storeUrl: open.storeUrl };
  assert.equal(await apiJobHostProblem(sourceOf('postgres://reader@127.0.0.1:5432/crm'), listed), null);
  assert.match(await problem('postgres://reader@127.0.0.1:5432/smartcom', listed), /own store/);
  assert.equal(await apiJobHostProblem(sourceOf('postgres://reader@127.1:5433/crm'), open), null, 'another server (port) on this machine');
});

test('the store is recognised however its address is spelled, and when it is reached through a socket', async () => {
  const ownAddress = Object.values(networkInterfaces()).flatMap((list) => list ?? []).find((i) => i.family === 'IPv4' && !i.internal)?.address;
  for (const host of ['127.1', '0.0.0.0', '[::ffff:127.0.0.1]', '[::1]', '127.0.0.2', ...(ownAddress ? [ownAddress] : [])]) {
    assert.match(await problem(`postgres://postgres@${host}:5432/smartcom`), /own store/, host);
  }
  const overSocket = { allowedHosts: [], storeUrl: 'postgres://smartcom@/smartcom?host=/var/run/postgresql' };
  assert.match(await problem('postgres://reader@127.0.0.1:5432/smartcom', overSocket), /own store/);
});

test('an API job names its user and database, and uses no option that could point elsewhere or read a file', async () => {
  assert.match(await problem('postgres://127.0.0.1:5432'), /names its user and database/);
  assert.match(await problem('postgres://reader@db.shop'), /names its user and database/);
  for (const option of ['sslkey=/dev/zero', 'sslrootcert=/etc/passwd', 'user=smartcom', 'port=5432', 'options=-c%20search_path%3Dx']) {
    assert.match(await problem(`postgres://reader@db.shop/crm?${option}`), /not allowed in a job defined over the API/, option);
  }
  assert.match(await problem('mysql://reader@db.shop/crm?localInfile=true'), /localInfile not allowed/);
  assert.equal(await apiJobHostProblem(sourceOf('postgres://reader:pw@db.shop.example/crm?sslmode=require&queryTimeout=600000'), open), null);
  // spelled as the drivers read them: pg ignores SSLMODE (no TLS), and a misspelled timeout would silently be the default
  assert.match(await problem('postgres://reader:pw@db.shop.example/crm?SSLMODE=require'), /SSLMODE not allowed/);
  assert.match(await problem('mysql://reader:pw@db.shop.example/crm?querytimeout=600000'), /querytimeout not allowed/);
});

test('with an allow-list, only its hosts', async () => {
  const rule = { allowedHosts: parseAllowedHosts(' DB.shop.example , crm.internal '), storeUrl: undefined };
  assert.equal(await apiJobHostProblem(sourceOf('mssql://reader:pw@db.shop.example/crm'), rule), null);
  assert.match(await problem('oracle://reader:pw@evil.example:1521/XE', rule), /evil\.example is not one API jobs may read/);
});

test('the job\'s dialect decides, not the URL\'s scheme; a source that is not a URL is refused (the pg driver reads one as a socket and a database)', async () => {
  const posing = { dialect: 'postgres' as const, url: 'mysql://reader@127.0.0.1:5432/smartcom' };
  assert.match((await apiJobHostProblem(posing, open)) ?? '', /own store/);
  const withOption = { dialect: 'postgres' as const, url: 'http://reader@db.shop/crm?sslkey=/etc/ssl/private/key.pem' };
  assert.match((await apiJobHostProblem(withOption, open)) ?? '', /sslkey not allowed/);
  for (const rule of [open, { ...open, allowedHosts: ['db.shop'] }]) {
    assert.match((await apiJobHostProblem({ dialect: 'postgres', url: '/var/run/postgresql smartcom' }, rule)) ?? '', /names its source by a URL/);
  }
});

test('the check resolves the host once and hands the run every address it approved; a name also naming the store is refused', async () => {
  const answers = (addresses: string[]) => ({ ...open, resolve: async () => addresses });
  const approved = async (url: string, rule: ApiJobHostRule) => {
    const checked = await checkApiJobHost(sourceOf(url), rule);
    assert.ok(checked.ok, !checked.ok ? checked.error : '');
    return checked.value.addresses;
  };
  assert.deepEqual(await approved('postgres://reader@crm.shop.example/crm', answers(['203.0.113.7', '2001:db8::7', '203.0.113.8'])), ['203.0.113.7', '2001:db8::7', '203.0.113.8'], 'all, in the resolver\'s order');
  assert.deepEqual(await approved('mssql://reader:pw@crm.shop.example/crm', answers(['::ffff:203.0.113.7'])), ['203.0.113.7']);
  assert.deepEqual(await approved('postgres://reader@[::ffff:7f00:1]:5433/crm', open), ['127.0.0.1'], 'an address is its own answer');
  assert.deepEqual(await approved('postgres://reader@crm.shop.example/crm', { ...open, resolve: () => Promise.reject(new Error('ENOTFOUND')) }), []);
  // A public address first and the store's server second: the driver could pick either.
  assert.match(await problem('postgres://reader@crm.shop.example:5432/crm', answers(['203.0.113.7', '127.0.0.1'])), /own database server/);
  // pg decodes the host: this one is a socket directory.
  assert.match(await problem('postgres://reader@%2Fvar%2Frun%2Fpostgresql/smartcom'), /names its server by host name/);
});
