import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { openMysqlSource } from '../../src/ingest/sql/mysql-source.ts';
import { openPostgresSource } from '../../src/ingest/sql/postgres-source.ts';
import type { SqlSource } from '../../src/ingest/sql/sql-source.ts';
import { createTestDatabase } from './test-database.ts';

/**
 * A retailer's SQL server for the import tests: a fresh database on the
 * machine's PostgreSQL or MariaDB, with the dialect differences (types, row
 * generators) in one place so one scenario file runs against both.
 */
export interface SourceDatabase {
  dialect: 'postgres' | 'mysql';
  url: string;
  open(): SqlSource;
  /** Admin statements (DDL, fills) outside the connector under test. */
  exec(sql: string): Promise<void>;
  count(table: string): Promise<number>;
  timestampType: string;
  /** SELECT of rows numbered from..to (column n) for INSERT ... SELECT. */
  numbers(from: number, to: number): string;
  drop(): Promise<void>;
}

export const TEST_MARIADB_URL = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/test';

export async function createPostgresSource(): Promise<SourceDatabase> {
  const db = await createTestDatabase('smartcom_src');
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  return {
    dialect: 'postgres',
    url: db.url,
    open: () => openPostgresSource(db.url),
    exec: async (sql) => void (await admin.query(sql)),
    count: async (table) => Number((await admin.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n),
    timestampType: 'timestamp(6)',
    numbers: (from, to) => `SELECT g AS n FROM generate_series(${from}, ${to}) g`,
    drop: async () => {
      await admin.end();
      await db.drop();
    },
  };
}

export async function createMariadbSource(): Promise<SourceDatabase> {
  const name = `smartcom_src_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: TEST_MARIADB_URL, multipleStatements: false });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.query(`USE ${name}`);
  const url = new URL(TEST_MARIADB_URL);
  url.pathname = `/${name}`;
  return {
    dialect: 'mysql',
    url: url.toString(),
    open: () => openMysqlSource(url.toString()),
    exec: async (sql) => void (await admin.query(sql)),
    count: async (table) => Number(((await admin.query(`SELECT count(*) AS n FROM ${table}`))[0] as Array<{ n: number }>)[0]!.n),
    timestampType: 'datetime(6)',
    // MariaDB's sequence engine: seq_1_to_N is a virtual table of numbers.
    numbers: (from, to) => `SELECT seq AS n FROM seq_${from}_to_${to}`,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}
