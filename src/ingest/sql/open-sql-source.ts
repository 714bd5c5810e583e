import { parseMssqlUrl } from './mssql-connection.ts';
import { openMysqlSource } from './mysql-source.ts';
import { parseOracleUrl } from './oracle-connection.ts';
import { openPostgresSource } from './postgres-source.ts';
import { SourceUrlError } from './source-url.ts';
import type { SqlDialect, SqlSource, SqlSourceConfig } from './sql-source.ts';

/**
 * The connector for a source's dialect. Throws SourceUrlError for an MS SQL
 * Server or Oracle URL it cannot use (parseImportJob refuses those first).
 * Those two drivers are loaded on the first read of such a source, not with
 * the service: together they weigh ~45 MB that most deployments never use.
 * With `addresses` (an API job's, approved by checkApiJobHost), the driver
 * connects to them and never resolves the URL's host name itself: pg and
 * mysql2 try each in turn, as they would the name's answers; the MS SQL
 * Server and Oracle drivers take an address, not a list, and get the first.
 */
export function openSqlSource(config: SqlSourceConfig, addresses?: readonly string[]): SqlSource {
  // An empty list must not fall back to the name.
  if (addresses?.length === 0) throw new SourceUrlError('source.url: its host name resolves to no approved address');
  switch (config.dialect) {
    case 'postgres':
      return openPostgresSource(config.url, addresses);
    case 'mysql':
      return openMysqlSource(config.url, addresses);
    case 'mssql': {
      const settings = parseMssqlUrl(config.url);
      if (!settings.ok) throw new SourceUrlError(`source.url: ${settings.error.join('; ')}`);
      return loadedOnFirstRead('mssql', async () => (await import('./mssql-source.ts')).openMssqlSource(config.url, addresses?.[0]));
    }
    case 'oracle': {
      const settings = parseOracleUrl(config.url);
      if (!settings.ok) throw new SourceUrlError(`source.url: ${settings.error.join('; ')}`);
      return loadedOnFirstRead('oracle', async () => (await import('./oracle-source.ts')).openOracleSource(config.url, addresses?.[0]));
    }
  }
}

function loadedOnFirstRead(dialect: SqlDialect, open: () => Promise<SqlSource>): SqlSource {
  let opened: Promise<SqlSource> | null = null;
  return {
    dialect,
    query: async (sql, params) => (await (opened ??= open())).query(sql, params),
    close: async () => {
      if (opened) await (await opened).close();
    },
  };
}
