import mysql from 'mysql2/promise';
import type { SourceRow, SqlSource } from './sql-source.ts';

/**
 * A MySQL / MariaDB source. Reads are server-side prepared statements
 * (execute), so the cursor value travels as a parameter, not escaped text.
 * Dates and big numbers come back as text for the same reason as in
 * postgres-source.ts: the cursor must bind back to exactly what was read.
 */
export function openMysqlSource(url: string): SqlSource {
  const pool = mysql.createPool({ uri: url, connectionLimit: 2, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, decimalNumbers: false });
  return {
    dialect: 'mysql',
    async query(sql, params) {
      const [rows] = await pool.execute(sql, params as unknown[] as (string | number | null)[]);
      return rows as SourceRow[];
    },
    close: () => pool.end(),
  };
}
