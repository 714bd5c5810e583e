/**
 * The store port. Everything that talks SQL takes a `Queryable`; whether it is
 * a pooled PostgreSQL client or the embedded PGlite is decided once, in
 * openStore().
 */
export interface QueryResult<Row> {
  rows: Row[];
}

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
}

/** A store connection or transaction: queries, and bulk loads. */
export interface Session extends Queryable {
  /**
   * Loads rows given in COPY text format (copy-text.ts) into a table's
   * columns. No ON CONFLICT: for rows that cannot be there yet (a row that is
   * fails the statement, and with it the transaction).
   */
  copyInto(table: string, columns: readonly string[], text: string): Promise<void>;
}

export interface Store extends Session {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction: commit when it resolves, roll back when it throws. */
  transaction<T>(fn: (tx: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
