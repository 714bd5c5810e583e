import type { PackCursor } from '../ingest/sql/build-pack-query.ts';
import type { RowRejection } from '../ingest/sql/map-source-rows.ts';
import type { Queryable, Store } from '../store/db.ts';

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

/** A rejected row as a run report keeps it (its key and why). */
export type Rejection = RowRejection;

export interface PackTally {
  read: number;
  stored: number;
  unchanged: number;
  rejections: Rejection[];
  cursor: PackCursor | null;
}

// Enough reasons to see what is wrong without a run report growing with a bad table.
export const MAX_KEPT_REJECTIONS = 1000;

/** A run of the job whose heartbeat is fresh (the run going now, in any process), or null. */
export async function findLiveRun(db: Queryable, workspaceId: string, job: string): Promise<{ id: string; heartbeatAt: string } | null> {
  const { rows } = await db.query<{ id: string; heartbeat_at: string | Date }>(
    `SELECT id, COALESCE(heartbeat_at, started_at) AS heartbeat_at FROM sql_import_runs
      WHERE workspace_id = $1 AND job = $2 AND status = 'running'
        AND COALESCE(heartbeat_at, started_at) >= now() - make_interval(secs => ${RUN_STALE_AFTER_MS / 1000})
      ORDER BY started_at DESC LIMIT 1`,
    [workspaceId, job],
  );
  const row = rows[0];
  return row ? { id: row.id, heartbeatAt: new Date(row.heartbeat_at).toISOString() } : null;
}

/**
 * Starts a run at the job's stored cursor (so a run that finds nothing still
 * reports where the job stands), unless a run of the job is going already,
 * in this process or another: then this run's report says so (failed, with
 * the other run's id) and it reads nothing. The check and the start hold the
 * job's advisory lock, so two processes ticking at the same second cannot
 * both start.
 */
export async function claimRun(
  store: Store,
  run: { id: string; workspaceId: string; job: string; entity: string; startedAt: string },
): Promise<{ claimed: true; cursor: PackCursor | null } | { claimed: false; error: string }> {
  return store.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sql-import:${run.workspaceId}:${run.job}`]);
    const live = await findLiveRun(tx, run.workspaceId, run.job);
    const cursor = await readCursor(tx, run.workspaceId, run.job);
    const error = live ? `run ${live.id} of this job is going (heartbeat at ${live.heartbeatAt}); one run of a job at a time` : null;
    await tx.query(
      `INSERT INTO sql_import_runs (id, workspace_id, job, entity, status, started_at, cursor_value, cursor_key, heartbeat_at, error, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), $9, CASE WHEN $9::text IS NULL THEN NULL ELSE $6::timestamptz END)`,
      [run.id, run.workspaceId, run.job, run.entity, error ? 'failed' : 'running', run.startedAt, cursor?.value ?? null, cursor?.key ?? null, error],
    );
    return error ? { claimed: false as const, error } : { claimed: true as const, cursor };
  });
}

/**
 * Counts a stored pack in its run report, in the pack's transaction. The
 * report keeps the first MAX_KEPT_REJECTIONS reasons in all: a pack adds only
 * as many of its own as the report still has room for.
 */
export async function recordPack(tx: Queryable, runId: string, pack: PackTally): Promise<void> {
  await tx.query(
    `UPDATE sql_import_runs SET packs = packs + 1, rows_read = rows_read + $2, rows_stored = rows_stored + $3,
       rows_unchanged = rows_unchanged + $4, rows_rejected = rows_rejected + $5,
       rejections = rejections || (
         SELECT COALESCE(jsonb_agg(kept.rejection ORDER BY kept.n), '[]'::jsonb)
         FROM jsonb_array_elements($6::jsonb) WITH ORDINALITY AS kept (rejection, n)
         WHERE kept.n <= ${MAX_KEPT_REJECTIONS} - jsonb_array_length(rejections)
       ),
       cursor_value = $7, cursor_key = $8, heartbeat_at = now()
     WHERE id = $1`,
    [runId, pack.read, pack.stored, pack.unchanged, pack.rejections.length, JSON.stringify(pack.rejections.slice(0, MAX_KEPT_REJECTIONS)), pack.cursor?.value ?? null, pack.cursor?.key ?? null],
  );
}

/**
 * How a run that is going tells the store it is alive (besides every stored
 * pack): a slow source can take longer than the staleness threshold to answer
 * one pack, so the process running it refreshes this every RUN_HEARTBEAT_MS.
 */
export async function touchRun(db: Queryable, runId: string): Promise<void> {
  await db.query("UPDATE sql_import_runs SET heartbeat_at = now() WHERE id = $1 AND status = 'running'", [runId]);
}

// A run in progress is touched every RUN_HEARTBEAT_MS; one whose heartbeat is
// older than RUN_STALE_AFTER_MS (several missed beats, so a slow store or a
// GC pause is not mistaken for a death) is reported 'interrupted'. Both are
// measured on the store's clock (now()), so process clocks never disagree.
export const RUN_HEARTBEAT_MS = 10_000;
export const RUN_STALE_AFTER_MS = 60_000;

export async function finishRun(db: Queryable, runId: string, outcome: { status: 'succeeded' | 'failed' | 'stopped'; error: string | null; finishedAt: string }): Promise<void> {
  await db.query('UPDATE sql_import_runs SET status = $2, error = $3, finished_at = $4 WHERE id = $1', [runId, outcome.status, outcome.error, outcome.finishedAt]);
}

export interface RunReport {
  id: string;
  job: string;
  entity: string;
  /** running, succeeded, failed, stopped (its process was asked to stop, between packs), or interrupted: 'running' in the store but no heartbeat for RUN_STALE_AFTER_MS (its process died). */
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
  /** When the run last showed it was alive (start, a stored pack, its process's timer). */
  heartbeatAt: string | null;
}

// status as the reader should see it: the store cannot know a process died, the heartbeat's age can.
const REPORT_COLUMNS = `*, (status = 'running' AND COALESCE(heartbeat_at, started_at) < now() - make_interval(secs => ${RUN_STALE_AFTER_MS / 1000})) AS stale`;

/** Runs, latest first; a page after `before` (the last run of the previous page: its start and id) when given. */
export async function listRuns(
  db: Queryable,
  workspaceId: string,
  options: { job?: string | undefined; limit: number; before?: { startedAt: string; id: string } | undefined },
): Promise<RunReport[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${REPORT_COLUMNS} FROM sql_import_runs
      WHERE workspace_id = $1 AND ($2::text IS NULL OR job = $2)
        AND ($4::timestamptz IS NULL OR started_at < $4::timestamptz OR (started_at = $4::timestamptz AND id > $5::text))
      ORDER BY started_at DESC, id LIMIT $3`,
    [workspaceId, options.job ?? null, options.limit, options.before?.startedAt ?? null, options.before?.id ?? null],
  );
  return rows.map(reportOf);
}

export async function readRun(db: Queryable, runId: string): Promise<RunReport | null> {
  const { rows } = await db.query<Record<string, unknown>>(`SELECT ${REPORT_COLUMNS} FROM sql_import_runs WHERE id = $1`, [runId]);
  return rows[0] ? reportOf(rows[0]) : null;
}

/** One run report, only if it belongs to the workspace (the HTTP API's view). */
export async function readWorkspaceRun(db: Queryable, workspaceId: string, runId: string): Promise<RunReport | null> {
  const { rows } = await db.query<Record<string, unknown>>(`SELECT ${REPORT_COLUMNS} FROM sql_import_runs WHERE workspace_id = $1 AND id = $2`, [workspaceId, runId]);
  return rows[0] ? reportOf(rows[0]) : null;
}

function reportOf(row: Record<string, unknown>): RunReport {
  const startedAt = new Date(row.started_at as string | Date);
  const finishedAt = row.finished_at ? new Date(row.finished_at as string | Date) : null;
  const heartbeatAt = row.heartbeat_at ? new Date(row.heartbeat_at as string | Date).toISOString() : null;
  const interrupted = row.stale === true;
  return {
    id: row.id as string,
    job: row.job as string,
    entity: row.entity as string,
    status: interrupted ? 'interrupted' : (row.status as string),
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
    error: interrupted
      ? `no heartbeat since ${heartbeatAt ?? startedAt.toISOString()}: the process running it stopped; the next run resumes after its last stored pack`
      : ((row.error as string | null) ?? null),
    heartbeatAt,
  };
}
