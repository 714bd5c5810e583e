import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import { apiJobHostProblem, parseAllowedHosts } from './api-job-hosts.ts';

const open = { allowedHosts: [], storeUrl: 'postgres://smartcom:pw@127.0.0.1:5432/smartcom' };

test("an API job may not read smartcom's own store, nor connect through a socket", async () => {
  assert.match((await apiJobHostProblem('postgres://reader@localhost/smartcom', open)) ?? '', /own store/);
  assert.match((await apiJobHostProblem('postgresql://x:y@127.0.0.1:5432/smartcom?sslmode=disable', open)) ?? '', /own store/);
  assert.match((await apiJobHostProblem('postgres://reader@db.shop/crm?host=/var/run/postgresql', open)) ?? '', /host parameter/);
  assert.match((await apiJobHostProblem('mysql://root@db.shop/crm?socketPath=/run/mysqld/mysqld.sock', open)) ?? '', /socketPath|socketpath/i);
  assert.equal(await apiJobHostProblem('postgres://reader@127.0.0.1:5432/crm', open), null, "another database on the same server is the retailer's");
  assert.equal(await apiJobHostProblem('mysql://reader@127.0.0.1:3306/smartcom', open), null);
});

test('the store is recognised however its address is spelled', async () => {
  const ownAddress = Object.values(networkInterfaces()).flatMap((list) => list ?? []).find((i) => i.family === 'IPv4' && !i.internal)?.address;
  const spellings = ['127.1', '0.0.0.0', '[::ffff:127.0.0.1]', '[::1]', '127.0.0.2', ...(ownAddress ? [ownAddress] : [])];
  for (const host of spellings) {
    assert.match((await apiJobHostProblem(`postgres://postgres@${host}:5432/smartcom`, open)) ?? '', /own store/, host);
  }
  assert.equal(await apiJobHostProblem('postgres://postgres@127.1:5433/smartcom', open), null, 'another server (port) on this machine');
});

test('with an allow-list, only its hosts', async () => {
  const rule = { allowedHosts: parseAllowedHosts(' DB.shop.example , crm.internal '), storeUrl: undefined };
  assert.equal(await apiJobHostProblem('mssql://reader:pw@db.shop.example/crm', rule), null);
  assert.match((await apiJobHostProblem('oracle://reader:pw@evil.example:1521/XE', rule)) ?? '', /evil\.example is not one API jobs may read/);
});
