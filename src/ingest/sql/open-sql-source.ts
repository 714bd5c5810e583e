import { openMysqlSource } from './mysql-source.ts';
import { openPostgresSource } from './postgres-source.ts';
import type { SqlSource, SqlSourceConfig } from './sql-source.ts';

export class UnsupportedDialectError extends Error {}

/** The connector for a source's dialect. MS SQL Server and Oracle have query builders but no driver yet. */
export function openSqlSource(config: SqlSourceConfig): SqlSource {
  switch (config.dialect) {
    case 'postgres':
      return openPostgresSource(config.url);
    case 'mysql':
      return openMysqlSource(config.url);
    default:
      throw new UnsupportedDialectError(`no connector for ${config.dialect} yet (PostgreSQL and MySQL / MariaDB are supported)`);
  }
}
