import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactSourceUrl } from './job-config.ts';

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
