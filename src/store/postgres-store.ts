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
  const store: Store = {
    kind: 'postgres',
    query: (sql, params) => pool.query(sql, params as unknown[]) as never,
    copyInto: (table, columns, text) => store.transaction((tx) => tx.copyInto(table, columns, text)),
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      // A checked-out client is not covered by the pool's error listener: a
      // connection lost mid-transaction would otherwise crash the process.
      const markBroken = () => {
        broken = true;
      };
      client.on('error', markBroken);
      const session = orderedSession(client);
      try {
        await client.query('BEGIN');
        const result = await fn(session);
        // fn may have handed over statements it did not wait for: all must
        // have run, and none failed, before the commit (a COMMIT after a
        // failed statement would roll back without saying so).
        await session.end();
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // Nothing handed over may reach the server after the ROLLBACK (it
        // would run on its own, or in the next borrower's transaction).
        await session.abort(error);
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
  return store;
}

/**
 * A transaction's session. Statements may be handed to it before the one
 * before has finished (independent writes, each sent as soon as its rows are
 * serialised, so the server works on one while the next is prepared); they
 * run one after another in the order given. The first is sent at once: node-
 * postgres would queue the others itself, but that use is deprecated. Once
 * one fails, those after it are not sent: they fail with its error.
 */
function orderedSession(client: pg.PoolClient): Session & { end(): Promise<void>; abort(error: unknown): Promise<void> } {
  let inFlight = 0;
  let tail: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | null = null;
  const inOrder = <T>(run: () => Promise<T>): Promise<T> => {
    const attempt = (): Promise<T> => {
      if (failure) return Promise.reject(failure.error);
      return run().catch((error: unknown) => {
        failure ??= { error };
        throw error;
      });
    };
    const result = inFlight === 0 ? attempt() : tail.then(attempt);
    inFlight++;
    tail = result.then(
      () => void inFlight--,
      () => void inFlight--,
    );
    return result;
  };
  // A statement that ends may hand over another: wait until none is left.
  const drained = async () => {
    for (let seen = tail; ; seen = tail) {
      await seen;
      if (seen === tail) return;
    }
  };
  return {
    query: (sql, params) => inOrder(() => client.query(sql, params as unknown[]) as never),
    copyInto: (table, columns, text) => inOrder(() => copyWith(client, table, columns, text)),
    /**
     * Waits for what was handed over, then takes nothing more (a statement
     * handed over later fails unsent); rejects with the first failure.
     */
    async end() {
      await drained();
      const failed = failure;
      failure ??= { error: new Error('the transaction has ended') };
      if (failed) throw failed.error;
    },
    /** Sends nothing more (what is queued fails unsent) and waits for the statement under way. */
    async abort(error: unknown) {
      failure ??= { error };
      await drained();
    },
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
