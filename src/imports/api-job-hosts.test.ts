import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiJobHostProblem, parseAllowedHosts } from './api-job-hosts.ts';

const open = { allowedHosts: [], storeUrl: 'postgres://smartcom:pw@127.0.0.1:5432/smartcom' };

test("an API job may not read smartcom's own store, nor connect through a socket", () => {
  assert.match(apiJobHostProblem('postgres://reader@localhost/smartcom', open) ?? '', /own store/);
  assert.match(apiJobHostProblem('postgresql://x:y@127.0.0.1:5432/smartcom?sslmode=disable', open) ?? '', /own store/);
  assert.match(apiJobHostProblem('postgres://reader@db.shop/crm?host=/var/run/postgresql', open) ?? '', /host parameter/);
  assert.match(apiJobHostProblem('mysql://root@db.shop/crm?socketPath=/run/mysqld/mysqld.sock', open) ?? '', /socketPath|socketpath/i);
  assert.equal(apiJobHostProblem('postgres://reader@127.0.0.1:5432/crm', open), null, 'another database on the same server is the retailer\'s');
  assert.equal(apiJobHostProblem('mysql://reader@127.0.0.1:3306/smartcom', open), null);
});

test('with an allow-list, only its hosts', () => {
  const rule = { allowedHosts: parseAllowedHosts(' DB.shop.example , crm.internal '), storeUrl: undefined };
  assert.equal(apiJobHostProblem('mssql://reader:pw@db.shop.example/crm', rule), null);
  assert.match(apiJobHostProblem('oracle://reader:pw@evil.example:1521/XE', rule) ?? '', /evil\.example is not one API jobs may read/);
});
