import mysql from 'mysql2';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { BenchDialect } from './customer-source.ts';

/**
 * The two references bench:import sets the import beside, measured with the
 * same drivers as the import: how fast the source hands over the rows when
 * nothing is done with them, and how fast the store takes them in when
 * nothing but a plain upsert is done with them.
 */

type Row = Record<string, unknown>;
const PACK = 10_000;

// Every value as the server's text, as the connectors read dates and numerics (no JS Date building).
const allText = { getTypeParser: (() => (text: string) => text) as unknown as typeof pg.types.getTypeParser };

/** The SELECT the import reads, in one streamed pass: its placeholder at its start value, ordered like the packs. */
export function rawSelect(query: string): string {
  return `SELECT * FROM (${query.replace('{$last_id}', '0')}) smartcom_src ORDER BY local_id`;
}

/** Streams the query's rows in packs of 10,000 (pg-cursor, mysql2's query stream) and hands each pack to `onPack`. */
export async function streamRows(dialect: BenchDialect, url: string, sql: string, onPack: (rows: Row[]) => Promise<void> | void): Promise<number> {
  return dialect === 'postgres' ? streamPostgres(url, sql, onPack) : streamMysql(url, sql, onPack);
}

async function streamPostgres(url: string, sql: string, onPack: (rows: Row[]) => Promise<void> | void): Promise<number> {
  const client = new pg.Client({ connectionString: url, types: allText });
  await client.connect();
  try {
    const cursor = client.query(new Cursor<Row>(sql));
    let count = 0;
    for (let rows = await cursor.read(PACK); rows.length > 0; rows = await cursor.read(PACK)) {
      count += rows.length;
      await onPack(rows);
    }
    await cursor.close();
    return count;
  } finally {
    await client.end();
  }
}

async function streamMysql(url: string, sql: string, onPack: (rows: Row[]) => Promise<void> | void): Promise<number> {
  const connection = mysql.createConnection({ uri: url, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  try {
    const stream = connection.query(sql).stream({ highWaterMark: PACK });
    let count = 0;
    let pack: Row[] = [];
    for await (const row of stream as AsyncIterable<Row>) {
      pack.push(row);
      if (pack.length === PACK) {
        count += pack.length;
        await onPack(pack);
        pack = [];
      }
    }
    if (pack.length > 0) {
      count += pack.length;
      await onPack(pack);
    }
    return count;
  } finally {
    await new Promise<void>((resolve) => connection.end(() => resolve()));
  }
}

const UPSERT_COLUMNS = [
  ['full_name', 'text'], ['first_name', 'text'], ['middle_name', 'text'], ['last_name', 'text'], ['email', 'text'], ['phone', 'text'],
  ['sex', 'text'], ['birth_date', 'date'], ['country', 'text'], ['area', 'text'], ['city', 'text'], ['zip', 'text'], ['register_date', 'timestamptz'],
] as const;

/** A plain table of the same columns in the store database, for the raw upsert. */
export async function createRawCustomersTable(store: pg.Pool): Promise<void> {
  await store.query(`CREATE TABLE bench_raw_customers (local_id bigint PRIMARY KEY, ${UPSERT_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})`);
}

/** One pack as one INSERT ... ON CONFLICT DO UPDATE (rows as a JSON array, as the store's own writes pass them). */
export async function upsertRawCustomers(store: pg.Pool, rows: readonly Row[]): Promise<void> {
  await store.query(
    `INSERT INTO bench_raw_customers (local_id, ${UPSERT_COLUMNS.map(([c]) => c).join(', ')})
     SELECT r.local_id, ${UPSERT_COLUMNS.map(([c]) => `r.${c}`).join(', ')}
       FROM json_to_recordset($1::json) AS r(local_id bigint, ${UPSERT_COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})
     ON CONFLICT (local_id) DO UPDATE SET ${UPSERT_COLUMNS.map(([c]) => `${c} = EXCLUDED.${c}`).join(', ')}`,
    [JSON.stringify(rows)],
  );
}
