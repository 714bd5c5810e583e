import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Session, Store } from './db.ts';

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
    async copyInto(table, columns, text) {
      const client = await pool.connect();
      try {
        await copyWith(client, table, columns, text);
      } finally {
        client.release();
      }
    },
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
        const result = await fn(clientSession(client));
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
 * A transaction's session. Statements may be handed to it before the one
 * before has finished (independent writes, each sent as soon as its rows are
 * serialised, so the server works on one while the next is prepared); they
 * run one after another in the order given. The first is sent at once: node-
 * postgres would queue the others itself, but that use is deprecated.
 */
function clientSession(client: pg.PoolClient): Session {
  let inFlight = 0;
  let tail: Promise<unknown> = Promise.resolve();
  const inOrder = <T>(run: () => Promise<T>): Promise<T> => {
    const result = inFlight === 0 ? run() : tail.then(run, run);
    inFlight++;
    tail = result.then(
      () => inFlight--,
      () => inFlight--,
    );
    return result;
  };
  return {
    query: (sql, params) => inOrder(() => client.query(sql, params as unknown[]) as never),
    copyInto: (table, columns, text) => inOrder(() => copyWith(client, table, columns, text)),
  };
}

async function copyWith(client: pg.ClientBase, table: string, columns: readonly string[], text: string): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
    stream.end(text);
  });
}
