import oracledb from 'oracledb';
import { oraclePoolAttributes, parseOracleUrl } from './oracle-connection.ts';
import { exactTemporalQuery, lowerCaseRow, oracleNumberText, ORACLE_SESSION_SQL, type OracleColumn } from './oracle-values.ts';
import { SourceUrlError } from './source-url.ts';
import type { SqlSource } from './sql-source.ts';

/**
 * An Oracle source (node-oracledb, Thin mode: initOracleClient is never
 * called, so no Oracle Client libraries are needed). One small pool, opened
 * on the first read; each new session gets the formats that make text bind
 * back exactly (oracle-values.ts). Each pack is one query with its values
 * bound by position (:1, :2, … from build-pack-query.ts).
 */
export function openOracleSource(url: string, address?: string): SqlSource {
  const settings = parseOracleUrl(url, address);
  if (!settings.ok) throw new SourceUrlError(`source.url: ${settings.error.join('; ')}`);
  let opening: Promise<oracledb.Pool> | null = null;
  const pool = () =>
    (opening ??= oracledb.createPool({ ...oraclePoolAttributes(settings.value), sessionCallback: setUpSession }).catch((error: unknown) => {
      opening = null;
      throw error;
    }));
  // The SQL that reads each pack query's text exactly (a pack query's text is the same for every pack of a run).
  const exactSql = new Map<string, string>();

  return {
    dialect: 'oracle',
    async query(sql, params) {
      let connection: oracledb.Connection | undefined;
      try {
        connection = await (await pool()).getConnection();
        connection.callTimeout = settings.value.queryTimeoutMs;
        let text = exactSql.get(sql);
        if (text === undefined) {
          const described = await connection.getStatementInfo(sql);
          text = exactTemporalQuery(sql, (described.metaData ?? []).map(columnOf));
          if (exactSql.size >= 32) exactSql.clear();
          exactSql.set(sql, text);
        }
        const result = await connection.execute<Record<string, unknown>>(text, params as unknown[], {
          outFormat: oracledb.OUT_FORMAT_OBJECT,
          fetchTypeHandler: exactFetchType,
          fetchArraySize: 1000,
        });
        return (result.rows ?? []).map(lowerCaseRow);
      } catch (error) {
        throw new Error(`Oracle source: ${(error as Error).message}`, { cause: error });
      } finally {
        await connection?.close().catch(() => {});
      }
    },
    async close() {
      const opened = opening;
      opening = null;
      await opened?.then((p) => p.close(0), () => {});
    },
  };
}

/** NUMBER as its exact text; CLOB / NCLOB as text (not a LOB stream). Date-times arrive as text already (exactTemporalQuery). */
export function exactFetchType(metadata: oracledb.Metadata<any>): oracledb.FetchTypeResponse | undefined {
  switch (metadata.dbType) {
    case oracledb.DB_TYPE_NUMBER:
      return { type: oracledb.STRING, converter: (value: unknown) => oracleNumberText(value as string | null) };
    case oracledb.DB_TYPE_CLOB:
    case oracledb.DB_TYPE_NCLOB:
      return { type: oracledb.STRING };
    default:
      return undefined;
  }
}

function columnOf(metadata: oracledb.Metadata<any>): OracleColumn {
  return { name: metadata.name, dbType: metadata.dbType?.name ?? '', precision: metadata.precision };
}

// Called by the pool for every new session, before its first use.
function setUpSession(connection: oracledb.Connection, _requestedTag: string, done: (error?: Error) => void): void {
  connection.execute(ORACLE_SESSION_SQL).then(
    () => done(),
    (error: Error) => done(error),
  );
}
