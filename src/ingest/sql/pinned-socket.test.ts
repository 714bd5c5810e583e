import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { mysqlPoolOptions } from './mysql-source.ts';
import { postgresPoolConfig } from './postgres-source.ts';

// A name that never resolves (RFC 6761): a connection that reaches the listener went to the pinned address.
const NAME = 'db.shop.invalid';

test('with an approved address, the pg and mysql2 sockets connect there whatever host the driver names', async () => {
  const server = createServer((socket) => socket.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    const pg = postgresPoolConfig(`postgres://reader@${NAME}:${port}/crm?connectTimeout=2000`, '127.0.0.1');
    assert.equal(pg.connectionString, `postgres://reader@${NAME}:${port}/crm`, 'the driver keeps the name (TLS checks the certificate against it)');
    const pgSocket = (pg.stream as () => Socket)();
    pgSocket.connect(port, NAME); // as pg's Connection calls it
    await once(pgSocket, 'connect');
    pgSocket.destroy();

    const mysql = mysqlPoolOptions(`mysql://reader@${NAME}:${port}/crm`, '127.0.0.1');
    assert.equal(mysql.host, undefined, "the URL's host stays mysql2's host (its TLS server name)");
    const mysqlSocket = (mysql.stream as (opts: { config: { port: number; host: string } }) => Socket)({ config: { port, host: NAME } });
    await once(mysqlSocket, 'connect');
    mysqlSocket.destroy();

    assert.equal(postgresPoolConfig(`postgres://reader@${NAME}/crm`).stream, undefined, 'a job file connects as its URL says');
    assert.equal(mysqlPoolOptions(`mysql://reader@${NAME}/crm`).stream, undefined);
  } finally {
    server.close();
  }
});
