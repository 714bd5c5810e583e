/**
 * The connector contract every SQL source implements (PostgreSQL, MySQL /
 * MariaDB, MS SQL Server, Oracle). A connector only runs one
 * parameterised query and hands back its rows; what to ask for (the pack
 * query, the cursor) is decided by build-pack-query.ts and read-next-pack.ts,
 * the same for every dialect.
 */
export type SqlDialect = 'postgres' | 'mysql' | 'mssql' | 'oracle';

/** A source row by column name. Dates and big integers arrive as their exact text (see each connector). */
export type SourceRow = Record<string, unknown>;

export interface SqlSource {
  readonly dialect: SqlDialect;
  /** Runs one read with its values bound as parameters (never pasted into the text). */
  query(sql: string, params: readonly unknown[]): Promise<SourceRow[]>;
  close(): Promise<void>;
}

/** Where a job's data lives: a connection URL per dialect. */
export interface SqlSourceConfig {
  name: string;
  dialect: SqlDialect;
  url: string;
}
