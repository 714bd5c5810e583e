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
    query: (sql, params) => pool.query(sql, params as unknown[]) as never,
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
        const result = await fn(client as unknown as Queryable);
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
