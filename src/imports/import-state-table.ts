import type { PackCursor } from '../ingest/sql/build-pack-query.ts';
import type { Queryable } from '../store/db.ts';

/** All SQL over sql_import_cursors and sql_import_runs. */

export class CursorMovedError extends Error {}

export async function readCursor(db: Queryable, workspaceId: string, job: string): Promise<PackCursor | null> {
  const { rows } = await db.query<{ cursor_value: string | null; cursor_key: string | null }>(
    'SELECT cursor_value, cursor_key FROM sql_import_cursors WHERE workspace_id = $1 AND job = $2',
    [workspaceId, job],
  );
  const row = rows[0];
  return row && row.cursor_value !== null ? { value: row.cursor_value, key: row.cursor_key } : null;
}

/**
 * Moves the cursor from `from` to `to`, inside the pack's transaction. The
 * row is locked and compared first: if another run of the same job moved it
 * meanwhile, this pack was read from a stale cursor and must not be stored.
 */
export async function advanceCursor(tx: Queryable, workspaceId: string, job: string, from: PackCursor | null, to: PackCursor | null): Promise<void> {
  await tx.query('INSERT INTO sql_import_cursors (workspace_id, job) VALUES ($1, $2) ON CONFLICT (workspace_id, job) DO NOTHING', [workspaceId, job]);
  const { rows } = await tx.query<{ cursor_value: string | null; cursor_key: string | null }>(
    'SELECT cursor_value, cursor_key FROM sql_import_cursors WHERE workspace_id = $1 AND job = $2 FOR UPDATE',
    [workspaceId, job],
  );
  const current = rows[0]!;
  if (current.cursor_value !== (from?.value ?? null) || current.cursor_key !== (from?.key ?? null)) {
    throw new CursorMovedError(`another run of job "${job}" moved its cursor; this run stops without storing its pack`);
  }
  await tx.query('UPDATE sql_import_cursors SET cursor_value = $3, cursor_key = $4, updated_at = now() WHERE workspace_id = $1 AND job = $2', [
    workspaceId,
    job,
    to?.value ?? null,
    to?.key ?? null,
  ]);
}

export interface Rejection {
  key: string | null;
  reason: string;
}

export interface PackTally {
  read: number;
  stored: number;
  unchanged: number;
  rejections: Rejection[];
  cursor: PackCursor | null;
}

// Enough reasons to see what is wrong without a run report growing with a bad table.
export const MAX_KEPT_REJECTIONS = 1000;

/** A run starts at the job's stored cursor (so a run that finds nothing still reports where the job stands). */
export async function startRun(
  db: Queryable,
  run: { id: string; workspaceId: string; job: string; entity: string; startedAt: string; cursor: PackCursor | null },
): Promise<void> {
  await db.query(
    'INSERT INTO sql_import_runs (id, workspace_id, job, entity, status, started_at, cursor_value, cursor_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [run.id, run.workspaceId, run.job, run.entity, 'running', run.startedAt, run.cursor?.value ?? null, run.cursor?.key ?? null],
  );
}

export async function recordPack(tx: Queryable, runId: string, pack: PackTally): Promise<void> {
  await tx.query(
    `UPDATE sql_import_runs SET packs = packs + 1, rows_read = rows_read + $2, rows_stored = rows_stored + $3,
       rows_unchanged = rows_unchanged + $4, rows_rejected = rows_rejected + $5,
       rejections = CASE WHEN jsonb_array_length(rejections) >= ${MAX_KEPT_REJECTIONS} THEN rejections ELSE rejections || $6::jsonb END,
       cursor_value = $7, cursor_key = $8
     WHERE id = $1`,
    [runId, pack.read, pack.stored, pack.unchanged, pack.rejections.length, JSON.stringify(pack.rejections.slice(0, MAX_KEPT_REJECTIONS)), pack.cursor?.value ?? null, pack.cursor?.key ?? null],
  );
}

export async function finishRun(db: Queryable, runId: string, outcome: { status: 'succeeded' | 'failed'; error: string | null; finishedAt: string }): Promise<void> {
  await db.query('UPDATE sql_import_runs SET status = $2, error = $3, finished_at = $4 WHERE id = $1', [runId, outcome.status, outcome.error, outcome.finishedAt]);
}

export interface RunReport {
  id: string;
  job: string;
  entity: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  packs: number;
  rowsRead: number;
  rowsStored: number;
  rowsUnchanged: number;
  rowsRejected: number;
  rejections: Rejection[];
  cursor: PackCursor | null;
  error: string | null;
}

export async function listRuns(db: Queryable, workspaceId: string, options: { job?: string | undefined; limit: number }): Promise<RunReport[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT * FROM sql_import_runs WHERE workspace_id = $1 AND ($2::text IS NULL OR job = $2) ORDER BY started_at DESC, id LIMIT $3`,
    [workspaceId, options.job ?? null, options.limit],
  );
  return rows.map(reportOf);
}

export async function readRun(db: Queryable, runId: string): Promise<RunReport | null> {
  const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM sql_import_runs WHERE id = $1', [runId]);
  return rows[0] ? reportOf(rows[0]) : null;
}

function reportOf(row: Record<string, unknown>): RunReport {
  const startedAt = new Date(row.started_at as string | Date);
  const finishedAt = row.finished_at ? new Date(row.finished_at as string | Date) : null;
  return {
    id: row.id as string,
    job: row.job as string,
    entity: row.entity as string,
    status: row.status as string,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt?.toISOString() ?? null,
    durationMs: finishedAt ? finishedAt.getTime() - startedAt.getTime() : null,
    packs: Number(row.packs),
    rowsRead: Number(row.rows_read),
    rowsStored: Number(row.rows_stored),
    rowsUnchanged: Number(row.rows_unchanged),
    rowsRejected: Number(row.rows_rejected),
    rejections: (typeof row.rejections === 'string' ? JSON.parse(row.rejections) : row.rejections) as Rejection[],
    cursor: row.cursor_value === null ? null : { value: row.cursor_value as string, key: (row.cursor_key as string | null) ?? null },
    error: (row.error as string | null) ?? null,
  };
}
