import type { Socket } from 'node:net';
import mysql, { type FieldPacket, type PoolOptions } from 'mysql2/promise';
import type { SourceRow, SqlSource } from './sql-source.ts';
import { socketPinnedTo } from './pinned-socket.ts';
import { takeTimeouts } from './source-timeouts.ts';

const MYSQL_TYPE_FLOAT = 4;

/**
 * A FLOAT column (single precision, common for prices in older schemas)
 * arrives as the float32 widened to a double: 19.99 reads 19.989999771118164.
 * It is read as the shortest decimal that is the same float32: what the
 * retailer wrote, when the column could hold it.
 */
function withFloatsAsWritten(rows: SourceRow[], fields: readonly FieldPacket[] | undefined): SourceRow[] {
  const floats = (fields ?? []).filter((f) => f.columnType === MYSQL_TYPE_FLOAT).map((f) => f.name);
  if (floats.length === 0) return rows;
  for (const row of rows) {
    for (const column of floats) {
      const value = row[column];
      if (typeof value === 'number') row[column] = shortestFloat32(value);
    }
  }
  return rows;
}

export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value)) return value;
  for (let digits = 1; digits < 9; digits++) {
    const shorter = Number(value.toPrecision(digits));
    if (Math.fround(shorter) === value) return shorter;
  }
  return value;
}

/**
 * A MySQL / MariaDB source. Reads are server-side prepared statements
 * (execute), so the cursor value travels as a parameter, not escaped text.
 * Dates and big numbers come back as text for the same reason as in
 * postgres-source.ts: the cursor must bind back to exactly what was read.
 */
export function openMysqlSource(url: string, addresses?: readonly string[]): SqlSource {
  const timeouts = takeTimeouts(url);
  const pool = mysql.createPool(mysqlPoolOptions(url, addresses));
  // TIMESTAMP columns are shown in the session's zone: in a zone with
  // daylight saving, the hour repeated in autumn would give two instants one
  // text, and a cursor at it would lose or re-read rows. UTC has no such hour
  // (and its text is what the mappers assume when a value has no zone).
  pool.pool.on('connection', (connection) => {
    // A failure here must not crash the process (an unheard query error is thrown) nor leave a session in the
    // server's zone: the connection is dropped, and the query that wanted it fails and is reported.
    connection.query("SET time_zone = '+00:00'", (error: unknown) => {
      if (error) connection.destroy();
    });
  });
  return {
    dialect: 'mysql',
    async query(sql, params) {
      const [rows, fields] = await pool.execute(
        { sql, ...(timeouts.queryTimeoutMs > 0 ? { timeout: timeouts.queryTimeoutMs } : {}) },
        params as unknown[] as (string | number | null)[],
      );
      return withFloatsAsWritten(rows as SourceRow[], fields);
    },
    close: () => pool.end(),
  };
}

/**
 * With `addresses`, every connection goes to one of them. mysql2 takes its
 * TLS server name from `host` (and checks no identity at all for an IP), so
 * the host stays the URL's name and the addresses go in by the socket.
 */
export function mysqlPoolOptions(url: string, addresses?: readonly string[]): PoolOptions {
  const timeouts = takeTimeouts(url);
  return {
    uri: timeouts.url,
    ...(addresses !== undefined ? { stream: ({ config }: MysqlStreamOptions) => pinnedMysqlSocket(addresses, config) } : {}),
    connectionLimit: 2,
    connectTimeout: timeouts.connectTimeoutMs,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
  };
}

interface MysqlStreamOptions {
  config: { port: number; host: string; enableKeepAlive: boolean; keepAliveInitialDelay?: number };
}

// mysql2 sets keep-alive and TCP_NODELAY only on the sockets it opens itself, not on a given `stream`.
function pinnedMysqlSocket(addresses: readonly string[], config: MysqlStreamOptions['config']): Socket {
  const socket = socketPinnedTo(addresses);
  if (config.enableKeepAlive) socket.once('connect', () => socket.setKeepAlive(true, config.keepAliveInitialDelay));
  return socket.connect(config.port, config.host).setNoDelay(true);
}
