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
 * With `address` (an API job's, approved by checkApiJobHost), the driver
 * connects to it and never resolves the URL's host name itself.
 */
export function openSqlSource(config: SqlSourceConfig, address?: string): SqlSource {
  switch (config.dialect) {
    case 'postgres':
      return openPostgresSource(config.url, address);
    case 'mysql':
      return openMysqlSource(config.url, address);
    case 'mssql': {
      const settings = parseMssqlUrl(config.url);
      if (!settings.ok) throw new SourceUrlError(`source.url: ${settings.error.join('; ')}`);
      return loadedOnFirstRead('mssql', async () => (await import('./mssql-source.ts')).openMssqlSource(config.url, address));
    }
    case 'oracle': {
      const settings = parseOracleUrl(config.url);
      if (!settings.ok) throw new SourceUrlError(`source.url: ${settings.error.join('; ')}`);
      return loadedOnFirstRead('oracle', async () => (await import('./oracle-source.ts')).openOracleSource(config.url, address));
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
