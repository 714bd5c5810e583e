import sql from 'mssql';
import { mssqlPoolConfig, parseMssqlUrl } from './mssql-connection.ts';
import { exactMssqlRow, mssqlParameterOf, type MssqlColumn } from './mssql-values.ts';
import { SourceUrlError } from './source-url.ts';
import type { SourceRow, SqlSource } from './sql-source.ts';

/**
 * An MS SQL Server source (mssql over tedious). One small pool, opened on the
 * first read; each pack is one query with its values bound as @p1, @p2, …
 * (build-pack-query.ts numbers them), and each row's dates and decimals come
 * back as exact text (mssql-values.ts).
 */
export function openMssqlSource(url: string, address?: string): SqlSource {
  const settings = parseMssqlUrl(url);
  if (!settings.ok) throw new SourceUrlError(`source.url: ${settings.error.join('; ')}`);
  const pool = new sql.ConnectionPool(mssqlPoolConfig(settings.value, address));
  // A failed connection or an idle connection's error is emitted here; without
  // a listener it would crash the process. The query that needs it reports it.
  pool.on('error', () => {});
  let connecting: Promise<sql.ConnectionPool> | null = null;
  const connected = () =>
    (connecting ??= pool.connect().catch((error: unknown) => {
      connecting = null; // the next read tries again (mssql allows connect after a failed one)
      throw error;
    }));

  return {
    dialect: 'mssql',
    async query(text, params) {
      try {
        const request = (await connected()).request();
        params.forEach((value, i) => bind(request, `p${i + 1}`, value));
        const result = await request.query<SourceRow>(text);
        const recordset = result.recordset ?? [];
        const columns = columnsOf(recordset.columns ?? {});
        return recordset.map((row) => exactMssqlRow(row, columns));
      } catch (error) {
        throw new Error(`MS SQL Server source: ${(error as Error).message}`, { cause: error });
      }
    },
    async close() {
      // mssql refuses to close a pool while it connects: let that attempt end first.
      await connecting?.catch(() => {});
      await pool.close();
    },
  };
}

function bind(request: sql.Request, name: string, value: unknown): void {
  const declared = mssqlParameterOf(value);
  if (!declared) return void request.input(name, value);
  const length = declared.length === 'max' ? sql.MAX : declared.length;
  request.input(name, declared.type === 'varchar' ? sql.VarChar(length) : sql.NVarChar(length), value);
}

function columnsOf(metadata: sql.IColumnMetadata): MssqlColumn[] {
  return Object.values(metadata).map((column) => ({
    name: column.name,
    type: (column.type as { declaration?: string }).declaration ?? '',
    scale: column.scale,
  }));
}
