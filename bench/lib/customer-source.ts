import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createTestDatabase } from '../../test/support/test-database.ts';
import { TEST_MARIADB_URL } from '../../test/support/sql-source-servers.ts';

/**
 * A retailer's customers table for bench:import, on the machine's PostgreSQL
 * or MariaDB: the seed's standard columns, filled server-side with
 * INSERT ... SELECT (a million rows in seconds, none through this process).
 * Values vary like a real table's: 40 first names, 40 last names, a third
 * without a middle name, a tenth without an e-mail, phones, dates of birth
 * over 55 years, registration times over 9 years.
 */
export type BenchDialect = 'postgres' | 'mysql';

export interface CustomerSource {
  dialect: BenchDialect;
  url: string;
  /** The job's SELECT (by id), aliasing the seed's columns. */
  query: string;
  drop(): Promise<void>;
}

export const CUSTOMER_TABLE = 'bench_customers';
const COLUMNS = 'local_id, full_name, first_name, middle_name, last_name, email, phone, sex, birth_date, country, area, city, zip, register_date';
export const JOB_QUERY = `SELECT ${COLUMNS} FROM ${CUSTOMER_TABLE} WHERE local_id > {$last_id}`;

const FIRST = ['Anna', 'Maria', 'Elena', 'Olga', 'Irina', 'Natalia', 'Svetlana', 'Tatiana', 'Yulia', 'Ekaterina', 'Daria', 'Polina', 'Sofia', 'Alina', 'Ksenia', 'Vera', 'Nina', 'Larisa', 'Galina', 'Marina',
  'Ivan', 'Alexey', 'Dmitry', 'Sergey', 'Andrey', 'Pavel', 'Nikolay', 'Mikhail', 'Oleg', 'Artem', 'Maxim', 'Denis', 'Egor', 'Roman', 'Kirill', 'Ilya', 'Anton', 'Viktor', 'Yuri', 'Boris'];
const LAST = ['Ivanov', 'Smirnov', 'Kuznetsov', 'Popov', 'Vasiliev', 'Petrov', 'Sokolov', 'Mikhailov', 'Novikov', 'Fedorov', 'Morozov', 'Volkov', 'Alekseev', 'Lebedev', 'Semenov', 'Egorov', 'Pavlov', 'Kozlov', 'Stepanov', 'Nikolaev',
  'Orlov', 'Andreev', 'Makarov', 'Nikitin', 'Zakharov', 'Zaitsev', 'Soloviev', 'Borisov', 'Yakovlev', 'Grigoriev', 'Romanov', 'Vorobiev', 'Sergeev', 'Kuzmin', 'Frolov', 'Alexandrov', 'Dmitriev', 'Korolev', 'Gusev', 'Kiselev'];
const MIDDLE = ['Ivanovich', 'Petrovich', 'Sergeevich', 'Andreevich', 'Alexeevich', 'Dmitrievich', 'Nikolaevich', 'Pavlovich'];
const CITIES: Array<[area: string, city: string]> = [
  ['Moscow', 'Moscow'], ['Saint Petersburg', 'Saint Petersburg'], ['Novosibirsk Oblast', 'Novosibirsk'], ['Sverdlovsk Oblast', 'Yekaterinburg'],
  ['Tatarstan', 'Kazan'], ['Nizhny Novgorod Oblast', 'Nizhny Novgorod'], ['Chelyabinsk Oblast', 'Chelyabinsk'], ['Samara Oblast', 'Samara'],
  ['Omsk Oblast', 'Omsk'], ['Rostov Oblast', 'Rostov-on-Don'], ['Bashkortostan', 'Ufa'], ['Krasnoyarsk Krai', 'Krasnoyarsk'],
];

const sqlList = (values: readonly string[]) => values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');

/** Picks values[n mod len] (PostgreSQL arrays are 1-based; MariaDB ELT too). */
function pick(dialect: BenchDialect, values: readonly string[], index: string): string {
  return dialect === 'postgres' ? `(ARRAY[${sqlList(values)}])[1 + (${index}) % ${values.length}]` : `ELT(1 + (${index}) % ${values.length}, ${sqlList(values)})`;
}

function fillSql(dialect: BenchDialect, rows: number): string {
  const pg = dialect === 'postgres';
  const numbers = pg ? `SELECT g::bigint AS n FROM generate_series(1, ${rows}) g` : `SELECT seq AS n FROM seq_1_to_${rows}`;
  const middle = `CASE WHEN n % 3 = 0 THEN NULL ELSE ${pick(dialect, MIDDLE, 'n * 7')} END`;
  const first = pick(dialect, FIRST, 'n * 13');
  const last = pick(dialect, LAST, 'n * 31 + (n * 7) % 11');
  const birth = pg ? `DATE '1950-01-01' + ((n * 37) % 20000)::int` : `DATE_ADD(DATE '1950-01-01', INTERVAL (n * 37) % 20000 DAY)`;
  const registered = pg ? `TIMESTAMP '2016-01-01 00:00:00' + ((n * 277) % 283996800) * INTERVAL '1 second'` : `TIMESTAMP '2016-01-01 00:00:00' + INTERVAL (n * 277) % 283996800 SECOND`;
  const text = (expr: string) => (pg ? `(${expr})::text` : `CAST(${expr} AS CHAR)`);
  return `INSERT INTO ${CUSTOMER_TABLE} (${COLUMNS})
    SELECT n, CONCAT_WS(' ', f, m, l), f, m, l,
           CASE WHEN n % 10 = 0 THEN NULL ELSE CONCAT(LOWER(f), '.', LOWER(l), n, '@example.com') END,
           CONCAT('+79', LPAD(${text('(n * 7919) % 1000000000')}, 9, '0')),
           CASE WHEN n % 2 = 0 THEN 'F' ELSE 'M' END,
           ${birth}, 'RU', ${pick(dialect, CITIES.map((c) => c[0]), 'n * 17')}, ${pick(dialect, CITIES.map((c) => c[1]), 'n * 17')},
           LPAD(${text('100000 + (n * 101) % 900000')}, 6, '0'), ${registered}
      FROM (SELECT n, ${first} AS f, ${middle} AS m, ${last} AS l FROM (${numbers}) nums) named`;
}

const TABLE_SQL = (dialect: BenchDialect) => `CREATE TABLE ${CUSTOMER_TABLE} (
    local_id bigint PRIMARY KEY, full_name varchar(200), first_name varchar(100), middle_name varchar(100), last_name varchar(100),
    email varchar(200), phone varchar(20), sex varchar(1), birth_date date, country varchar(2), area varchar(100), city varchar(100),
    zip varchar(10), register_date ${dialect === 'postgres' ? 'timestamp(0)' : 'datetime'})`;

/** A fresh source database with `rows` customers; drop() removes it. */
export async function createCustomerSource(dialect: BenchDialect, rows: number): Promise<CustomerSource> {
  if (dialect === 'postgres') {
    const db = await createTestDatabase('smartcom_bench_src');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query(TABLE_SQL(dialect));
      await admin.query(fillSql(dialect, rows));
      await admin.query(`VACUUM ANALYZE ${CUSTOMER_TABLE}`);
    } finally {
      await admin.end();
    }
    return { dialect, url: db.url, query: JOB_QUERY, drop: () => db.drop() };
  }
  const name = `smartcom_bench_src_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: TEST_MARIADB_URL });
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  };
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.query(`USE ${name}`);
    await admin.query(TABLE_SQL(dialect));
    await admin.query(fillSql(dialect, rows));
    await admin.query(`ANALYZE TABLE ${CUSTOMER_TABLE}`);
  } catch (error) {
    await drop();
    throw error;
  }
  const url = new URL(TEST_MARIADB_URL);
  url.pathname = `/${name}`;
  return { dialect, url: url.toString(), query: JOB_QUERY, drop };
}
