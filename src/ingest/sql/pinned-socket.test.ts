import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { mysqlPoolOptions, openMysqlSource } from './mysql-source.ts';
import { socketPinnedTo } from './pinned-socket.ts';
import { postgresPoolConfig } from './postgres-source.ts';

// A name that never resolves (RFC 6761): a connection that reaches the listener went to a pinned address.
const NAME = 'db.shop.invalid';
// Loopback, but nothing listens there on the listener's port: connections to it are refused.
const DEAD = '127.0.0.2';

type MysqlStream = (opts: { config: { port: number; host: string; enableKeepAlive: boolean } }) => Socket;

async function listenOn127001(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

async function connected(socket: Socket): Promise<string | undefined> {
  try {
    await once(socket, 'connect');
    return socket.remoteAddress;
  } finally {
    socket.destroy();
  }
}

test('with approved addresses, the pg and mysql2 sockets connect there whatever host the driver names', async () => {
  const { server, port } = await listenOn127001();
  try {
    const pg = postgresPoolConfig(`postgres://reader@${NAME}:${port}/crm?connectTimeout=2000`, ['127.0.0.1']);
    assert.equal(pg.connectionString, `postgres://reader@${NAME}:${port}/crm`, 'the driver keeps the name (TLS checks the certificate against it)');
    const pgSocket = (pg.stream as () => Socket)();
    pgSocket.connect(port, NAME); // as pg's Connection calls it
    assert.equal(await connected(pgSocket), '127.0.0.1');

    const mysql = mysqlPoolOptions(`mysql://reader@${NAME}:${port}/crm`, ['127.0.0.1']);
    assert.equal(mysql.host, undefined, "the URL's host stays mysql2's host (its TLS server name)");
    assert.equal(await connected((mysql.stream as MysqlStream)({ config: { port, host: NAME, enableKeepAlive: true } })), '127.0.0.1');

    assert.equal(postgresPoolConfig(`postgres://reader@${NAME}/crm`).stream, undefined, 'a job file connects as its URL says');
    assert.equal(mysqlPoolOptions(`mysql://reader@${NAME}/crm`).stream, undefined);
  } finally {
    server.close();
  }
});

test('a refused first address does not fail the connection: the next approved one is tried, as for a name', async () => {
  const { server, port } = await listenOn127001();
  try {
    const approved = [DEAD, '127.0.0.1'];
    const pgSocket = (postgresPoolConfig(`postgres://reader@${NAME}:${port}/crm`, approved).stream as () => Socket)();
    pgSocket.connect(port, NAME);
    assert.equal(await connected(pgSocket), '127.0.0.1');
    const mysqlStream = mysqlPoolOptions(`mysql://reader@${NAME}:${port}/crm`, approved).stream as MysqlStream;
    assert.equal(await connected(mysqlStream({ config: { port, host: NAME, enableKeepAlive: true } })), '127.0.0.1');
    // A lookup asked for one answer (no autoSelectFamily) gets the first of the requested family.
    const single = socketPinnedTo(['2001:db8::1', '127.0.0.1']).connect({ port, host: NAME, autoSelectFamily: false, family: 4 });
    assert.equal(await connected(single), '127.0.0.1');
  } finally {
    server.close();
  }
});

test("the pin holds for an options call (the driver's own lookup is replaced) and for a host that is an address", async () => {
  const { server, port } = await listenOn127001();
  try {
    const driversLookup = () => assert.fail('the driver\'s lookup must not be used');
    assert.equal(await connected(socketPinnedTo(['127.0.0.1']).connect({ port, host: NAME, lookup: driversLookup })), '127.0.0.1');
    assert.equal(await connected(socketPinnedTo(['127.0.0.1']).connect(port, DEAD)), '127.0.0.1', 'an address is never looked up: the approved one replaces it');
  } finally {
    server.close();
  }
});

test('a call form that would bypass the pin throws instead of connecting', async () => {
  const socket = () => socketPinnedTo(['127.0.0.1']);
  assert.throws(() => socket().connect('/var/run/postgresql/.s.PGSQL.5432'), /\(port, host\) or TCP options only/);
  assert.throws(() => socket().connect({ path: '/var/run/mysqld/mysqld.sock' }), /TCP options only/);
  assert.throws(() => socket().connect({ port: 5432, host: NAME, path: '/tmp/.s.PGSQL.5432' } as never), /TCP options only/);
  assert.throws(() => (socket().connect as (...args: unknown[]) => Socket)('5432', NAME), /TCP options only/);
  assert.throws(() => socket().connect(5432, NAME, () => {}), /TCP options only/);
  assert.throws(() => socketPinnedTo([]), /at least one approved address/);
  // pg connects to a socket directory by path: through the real driver, that is refused, not connected.
  const client = new pg.Client(postgresPoolConfig('postgres://reader@%2Fvar%2Frun%2Fpostgresql/crm', ['127.0.0.1']));
  await assert.rejects(client.connect(), /TCP options only/);
});

test('through the real mysql2 driver: a fake host name pinned to 127.0.0.1 reads from MariaDB, with keep-alive on', async (t) => {
  const keepAlive = t.mock.method(Socket.prototype, 'setKeepAlive');
  const source = openMysqlSource(`mysql://root@${NAME}:3306/?connectTimeout=2000`, ['127.0.0.1']);
  try {
    assert.deepEqual(await source.query('SELECT 1 AS one', []), [{ one: 1 }]);
  } finally {
    await source.close();
  }
  // mysql2's own socket would have keep-alive (enableKeepAlive defaults to true); the pinned one must too.
  assert.ok(keepAlive.mock.calls.some((call) => call.arguments[0] === true), 'keep-alive enabled on the pinned socket');
  const unpinned = mysql.createPool(mysqlPoolOptions(`mysql://root@${NAME}:3306/?connectTimeout=2000`));
  try {
    await assert.rejects(unpinned.query('SELECT 1'), /ENOTFOUND|EAI_AGAIN/, 'without the pin, mysql2 resolves the name itself');
  } finally {
    await unpinned.end();
  }
});
