import pg from 'pg';
import type { SourceRow, SqlSource } from './sql-source.ts';
import { socketPinnedTo } from './pinned-socket.ts';
import { takeTimeouts } from './source-timeouts.ts';

// Dates, times and numerics come back as the server's own text: a cursor
// value converted to a JS Date would lose microseconds (and, without a zone,
// shift with the process's time zone), and then bind back to a different
// value than the one read. Text round-trips exactly.
const AS_TEXT = new Set([1082, 1083, 1114, 1184, 1266, 1700]);
const exactTypes = {
  getTypeParser: ((oid: number, format?: string) => (AS_TEXT.has(oid) ? (text: string) => text : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

/**
 * A PostgreSQL source: one small pool; each pack is one LIMITed query, within
 * the source's timeouts. With `addresses`, every connection goes to one of
 * them (the host name is kept for TLS; see socketPinnedTo).
 */
export function openPostgresSource(url: string, addresses?: readonly string[]): SqlSource {
  const pool = new pg.Pool(postgresPoolConfig(url, addresses));
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  return {
    dialect: 'postgres',
    async query(sql, params) {
      const result = await pool.query<SourceRow>(sql, params as unknown[]);
      return result.rows;
    },
    close: () => pool.end(),
  };
}

export function postgresPoolConfig(url: string, addresses?: readonly string[]): pg.PoolConfig {
  const timeouts = takeTimeouts(url);
  return {
    connectionString: timeouts.url,
    // The URL's host wins over a `host` given beside it (pg parses the URL last), so the addresses go in by the socket.
    ...(addresses !== undefined ? { stream: () => socketPinnedTo(addresses) } : {}),
    max: 2,
    types: exactTypes,
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    keepAlive: true,
    // client side: a silent server never answers a statement_timeout either
    ...(timeouts.queryTimeoutMs > 0 ? { query_timeout: timeouts.queryTimeoutMs } : {}),
  };
}
