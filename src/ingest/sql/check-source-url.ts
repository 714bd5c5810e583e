import { parseMssqlUrl } from './mssql-connection.ts';
import { parseOracleUrl } from './oracle-connection.ts';
import type { SqlDialect } from './sql-source.ts';
import { takeTimeouts } from './source-timeouts.ts';

/**
 * What is wrong with a job's source URL, checked when the job is read so a
 * bad one is refused with its reasons rather than failing each run. The
 * MS SQL Server and Oracle URLs are smartcom's own form (mssql-connection.ts,
 * oracle-connection.ts); PostgreSQL and MySQL URLs go to their drivers as
 * they are, but for smartcom's two timeout options (source-timeouts.ts).
 */
export function sourceUrlProblems(dialect: SqlDialect, url: string): string[] {
  switch (dialect) {
    case 'mssql': {
      const parsed = parseMssqlUrl(url);
      return parsed.ok ? [] : parsed.error;
    }
    case 'oracle': {
      const parsed = parseOracleUrl(url);
      return parsed.ok ? [] : parsed.error;
    }
    default: {
      // The drivers take what they can read of anything (pg reads "/var/run/postgresql db" as a socket
      // and a database, and ignores the scheme): the job says what it reads with a URL of its dialect.
      const schemes = DRIVER_SCHEMES[dialect];
      let scheme: string;
      try {
        scheme = new URL(url).protocol.replace(/:$/, '').toLowerCase();
      } catch {
        return [`not a URL; expected ${schemes[0]}://user:password@host:port/database`];
      }
      if (!schemes.includes(scheme)) return [`the scheme must be ${schemes.map((s) => `${s}://`).join(' or ')} for a ${dialect} source, not ${scheme}://`];
      try {
        takeTimeouts(url);
        return [];
      } catch (error) {
        return [(error as Error).message];
      }
    }
  }
}

const DRIVER_SCHEMES: Readonly<Record<'postgres' | 'mysql', readonly string[]>> = { postgres: ['postgres', 'postgresql'], mysql: ['mysql', 'mariadb'] };
