import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Queryable, Store } from './db.ts';

// Numeric and bigint columns come back as strings by default; counts and
// sequences here fit in a double, amounts are read as text on purpose.
pg.types.setTypeParser(20, (value) => Number(value));

export function openPostgresStore(connectionString: string, poolSize = 10): Store {
  // A store that silently drops packets must fail a connect attempt rather
  // than hang the consumer: the failure is then retried as an outage.
  const pool = new pg.Pool({ connectionString, max: poolSize, connectionTimeoutMillis: 10_000, keepAlive: true });
  // An idle client losing its connection (database restart) must not crash
  // the process; the next query gets a fresh client.
  pool.on('error', () => {});
  return {
    kind: 'postgres',
    query: (sql, params) => pool.query(prepared(sql, params)) as never,
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      // A checked-out client is not covered by the pool's error listener: a
      // connection lost mid-transaction would otherwise crash the process.
      const markBroken = () => {
        broken = true;
      };
      client.on('error', markBroken);
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (sql, params) => client.query(prepared(sql, params)) as never });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.off('error', markBroken);
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Data statements run as named prepared statements, one per text and
 * connection: PostgreSQL then plans a statement once instead of on every
 * call, which for the apply pipeline's multi-table statements cost more than
 * running them. Every text is written in the code (values are always
 * parameters), so the number of names is bounded. Anything else (DDL,
 * transaction control) runs as it is.
 */
function prepared(sql: string, params: unknown[] | undefined): pg.QueryConfig {
  if (!DATA_STATEMENT.test(sql)) return { text: sql, values: params as unknown[] };
  let name = statementNames.get(sql);
  if (!name) statementNames.set(sql, (name = `smc_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`));
  return { name, text: sql, values: params as unknown[] };
}

const DATA_STATEMENT = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;
const statementNames = new Map<string, string>();
