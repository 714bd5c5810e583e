import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './support/test-database.ts';

// The command line answers a mistake with what went wrong and exit code 1:
// a mistyped command never starts the service, a missing thing is named.
const run = promisify(execFile);
const SMARTCOM = fileURLToPath(new URL('../bin/smartcom.js', import.meta.url));
let database: TestDatabase;
const cli = (...args: string[]) =>
  run(process.execPath, [SMARTCOM, ...args], { env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent', PORT: '0' }, timeout: 30_000 });
const failure = async (...args: string[]) => {
  const error = await cli(...args).then(
    () => assert.fail(`smartcom ${args.join(' ')} succeeded`),
    (e: { code?: unknown; killed?: boolean; stderr?: string }) => e,
  );
  assert.equal(error.killed, false, `smartcom ${args.join(' ')} was still running after 30 s`);
  return { code: error.code, stderr: String(error.stderr) };
};

before(async () => {
  database = await createTestDatabase();
  await cli('migrate');
});
after(() => database?.drop());

test('a mistyped command is refused with a suggestion instead of starting the service', async () => {
  const typo = await failure('key', 'create');
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /unknown command 'key'[\s\S]*Did you mean keys\?/);
  assert.equal((await failure('bogus')).code, 1);
});

test('workspaces create says whether it created the workspace; revoking a key that does not exist names it', async () => {
  assert.equal((await cli('workspaces', 'create', 'cli-shop')).stdout.trim(), 'workspace cli-shop created');
  assert.equal((await cli('workspaces', 'create', 'cli-shop')).stdout.trim(), 'workspace cli-shop already exists; nothing changed');
  const revoked = await failure('keys', 'revoke', 'nosuch');
  assert.deepEqual([revoked.code, revoked.stderr.trim()], [1, 'smartcom: no active key nosuch']);
});

test('projection status, failures and retry show and requeue the events that could not be projected', async () => {
  assert.equal((await cli('projection', 'status')).stdout.trim(), 'nothing waiting, nothing failed');
  const client = new pg.Client(database.url);
  await client.connect();
  try {
    await client.query("INSERT INTO workspaces (id, name) VALUES ('cli-proj', 'cli-proj') ON CONFLICT DO NOTHING");
    await client.query(
      `INSERT INTO projection_failures (workspace_id, event_seq, customer_key, event, error, failed_at)
       VALUES ('cli-proj', 41, 'capillary:7', '{"eventCode":"customerAdded"}', 'invalid input syntax for type timestamp', '2026-11-22T05:00:00Z')`,
    );
  } finally {
    await client.end();
  }
  assert.equal((await cli('projection', 'status')).stdout.trim(), 'cli-proj: 0 waiting, 1 failed');
  assert.equal(
    (await cli('projection', 'failures', '--workspace', 'cli-proj')).stdout.trim(),
    'cli-proj #41 customerAdded capillary:7 at 2026-11-22T05:00:00.000Z: invalid input syntax for type timestamp',
  );
  assert.equal((await cli('projection', 'retry')).stdout.trim(), 'cli-proj: 1 event(s) queued again');
  assert.equal((await cli('projection', 'status')).stdout.trim(), 'cli-proj: 1 waiting, 0 failed');
  assert.equal((await cli('projection', 'retry')).stdout.trim(), 'no projection failures to retry');
});
