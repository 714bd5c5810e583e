import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { SqlSource, SqlSourceConfig } from '../ingest/sql/sql-source.ts';
import type { Result } from '../result.ts';
import type { Store } from '../store/db.ts';
import type { ApprovedHost } from './api-job-hosts.ts';
import { listStoredJobs } from './import-jobs-table.ts';
import { findLiveRun, RUN_HEARTBEAT_MS, touchRun, type RunReport } from './import-state-table.ts';
import type { ImportJob } from './job-config.ts';
import { runImportJob, type ImportDeps } from './run-import-job.ts';

export interface ImportSchedulerDeps {
  store: Store;
  log: Logger;
  /** With `addresses`, the source connects only there, not where its host name resolves then (an API job's approved addresses). */
  openSource: (config: SqlSourceConfig, addresses?: readonly string[]) => SqlSource;
  /** How often the stored (API) jobs are re-read, for changes made through another process (default 30 s). */
  reloadEveryMs?: number;
  /**
   * A stored (API) job's check just before it runs (its host may resolve
   * elsewhere than when it was saved): its problem, or the addresses its run
   * connects to (checkApiJobHost).
   */
  checkStoredJob?: StoredJobCheck;
  /** How long stop() waits for runs in progress (default STOP_WAIT_MS). */
  stopWaitMs?: number;
  /** How often a run in progress refreshes its heartbeat (default RUN_HEARTBEAT_MS). */
  heartbeatMs?: number;
}

export interface ImportScheduler {
  /** The job files read at start: scheduled, listed, run on demand, never changed over the API. */
  readonly fileJobs: readonly ImportJob[];
  /** Re-reads the stored jobs and restarts the schedules that changed; resolves when the schedules match the store. */
  reload(): Promise<void>;
  /** Starts a run of the job in the background; null when a run of it is already going in this process. */
  runNow(job: ImportJob): { runId: string } | null;
  /** The service is stopping: no run starts any more. */
  readonly stopping: boolean;
  /** Stops the schedules; runs in progress stop after the pack in hand, and this waits for them (at most stopWaitMs). */
  stop(): Promise<void>;
}

type StoredJobCheck = (job: ImportJob) => Promise<Result<ApprovedHost, string>>;

const STOP_WAIT_MS = 10_000;

const keyOf = (job: { workspace: string; name: string }) => `${job.workspace}\u0000${job.name}`;

/**
 * Runs every job that has a schedule (cron, seconds allowed) in this process:
 * the job files given at start, and the jobs stored over the HTTP API, re-read
 * on reload() (the API calls it after a change) and every reloadEveryMs (a
 * change made through another process). A job file wins over a stored job of
 * the same name and workspace (the API refuses to create one; this covers a
 * file added later).
 *
 * A job runs at most once at a time: in this process a tick or a "run now"
 * while it runs is refused; across processes a tick skips a job whose run
 * has a fresh heartbeat, and a run's start is claimed under the job's
 * advisory lock (claimRun), so a slow source is never read by two runs at
 * once. Each run opens its own connection and closes it after.
 */
export function startImportScheduler(fileJobs: readonly ImportJob[], deps: ImportSchedulerDeps): ImportScheduler {
  const { log } = deps;
  let stopped = false;
  const running = new Map<string, Promise<void>>();
  // Aborted on stop: a first import can take hours, and stopping must not wait for it (runs stop between packs).
  const stopping = new AbortController();
  const fileKeys = new Set(fileJobs.map(keyOf));
  const fileCrons = fileJobs.filter((job) => job.schedule).map((job) => scheduleJob(job));
  // Stored jobs with a schedule, by key, with the definition their cron was made from.
  const storedCrons = new Map<string, { definition: string; cron: Cron }>();
  const warned = new Set<string>();

  function runNow(job: ImportJob): { runId: string } | null {
    const key = keyOf(job);
    if (stopped || running.has(key)) return null;
    const runId = randomUUID();
    const check = fileKeys.has(key) ? undefined : deps.checkStoredJob;
    const run = runOnce(job, runId, deps, stopping.signal, check).finally(() => running.delete(key));
    running.set(key, run);
    return { runId };
  }

  function scheduleJob(job: ImportJob): Cron {
    return new Cron(job.schedule!, { name: `sql-import:${job.workspace}:${job.name}` }, async () => {
      if (running.has(keyOf(job))) {
        log.info({ job: job.name, workspace: job.workspace }, 'SQL import tick skipped: the previous run is still going');
        return;
      }
      // Another service process may be running it: then this tick is quietly
      // skipped (the run's own claim would refuse it too, with a report).
      const elsewhere = await findLiveRun(deps.store, job.workspace, job.name).catch(() => null);
      if (elsewhere) {
        log.info({ job: job.name, workspace: job.workspace, runId: elsewhere.id }, 'SQL import tick skipped: the job is running in another process');
        return;
      }
      runNow(job);
    });
  }

  async function readStoredJobs(): Promise<void> {
    if (stopped) return;
    const wanted = new Map<string, ImportJob>();
    for (const stored of await listStoredJobs(deps.store, null)) {
      const key = keyOf({ workspace: stored.workspaceId, name: stored.name });
      const note = `${key}\u0000${stored.updatedAt}`;
      if (!stored.job) {
        if (!warned.has(note)) log.error({ job: stored.name, workspace: stored.workspaceId, problems: stored.problems }, 'SQL import job not scheduled: its stored definition is no longer valid');
        warned.add(note);
      } else if (fileKeys.has(key)) {
        if (!warned.has(note)) log.warn({ job: stored.name, workspace: stored.workspaceId }, 'SQL import job stored over the API is shadowed by a job file of the same name');
        warned.add(note);
      } else if (stored.job.schedule) {
        wanted.set(key, stored.job);
      }
    }
    for (const [key, scheduled] of storedCrons) {
      const job = wanted.get(key);
      if (job && JSON.stringify(job) === scheduled.definition) continue;
      // Gone or changed: a run in progress finishes with the definition it started with.
      scheduled.cron.stop();
      storedCrons.delete(key);
    }
    for (const [key, job] of wanted) {
      if (!storedCrons.has(key)) storedCrons.set(key, { definition: JSON.stringify(job), cron: scheduleJob(job) });
    }
  }

  // One reload at a time: two interleaved diffs could both start a cron for one new job.
  let reloading: Promise<void> = Promise.resolve();
  const reload = (): Promise<void> => {
    const next = reloading.catch(() => {}).then(readStoredJobs);
    reloading = next;
    return next;
  };
  const reloadTimer = setInterval(() => {
    reload().catch((error: unknown) => log.error({ err: error }, 'SQL import jobs could not be re-read; the schedules stay as they were'));
  }, deps.reloadEveryMs ?? 30_000);
  reloadTimer.unref();
  reload().then(
    () => log.info({ files: fileCrons.map((c) => c.name), stored: [...storedCrons.values()].map((s) => s.cron.name) }, 'SQL import schedules started'),
    (error: unknown) => log.error({ err: error }, 'SQL import jobs could not be read; retrying on the next re-read'),
  );

  return {
    fileJobs,
    reload,
    runNow,
    get stopping() {
      return stopped;
    },
    async stop() {
      stopped = true;
      stopping.abort();
      clearInterval(reloadTimer);
      await reloading.catch(() => {});
      for (const cron of [...fileCrons, ...[...storedCrons.values()].map((s) => s.cron)]) cron.stop();
      // Runs stop after the pack in hand; a pack stuck on a slow source (up to
      // its queryTimeout) is not waited for past STOP_WAIT_MS: the process may
      // then exit, its uncommitted pack rolls back, and the run shows
      // 'interrupted' once its heartbeat is stale. The next run resumes after
      // the last stored pack.
      let waited: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<void>((resolve) => (waited = setTimeout(resolve, deps.stopWaitMs ?? STOP_WAIT_MS)));
      await Promise.race([Promise.all([...running.values()]), deadline]);
      clearTimeout(waited);
      if (running.size > 0) log.warn({ runs: running.size }, 'stopping without waiting longer for SQL import runs; their current pack is not stored and the next run resumes before it');
    },
  };
}

/**
 * runImportJob, with the run's heartbeat refreshed on a timer while it goes,
 * so a pack that takes long to read is not mistaken for a dead process (see
 * RUN_STALE_AFTER_MS). The service and the CLI both run jobs through this.
 */
export async function runWithHeartbeat(
  job: ImportJob,
  deps: Omit<ImportDeps, 'runId' | 'now'> & { runId?: string; heartbeatMs?: number },
): Promise<RunReport> {
  const { heartbeatMs, ...runDeps } = deps;
  const runId = deps.runId ?? randomUUID();
  const beat = setInterval(() => {
    // A failed beat is harmless: the next one, a stored pack or the run's end writes again.
    touchRun(deps.store, runId).catch(() => {});
  }, heartbeatMs ?? RUN_HEARTBEAT_MS);
  try {
    return await runImportJob(job, { ...runDeps, runId });
  } finally {
    clearInterval(beat);
  }
}

async function runOnce(job: ImportJob, runId: string, deps: ImportSchedulerDeps, signal: AbortSignal, check?: StoredJobCheck): Promise<void> {
  let source: SqlSource | null = null;
  try {
    // Opening makes no connection yet (the first read does); a checked job's source opens only once approved.
    const checked = check ? openedByCheck(job, deps.openSource, check) : null;
    source = checked ? checked.source : deps.openSource(job.source);
    const preflight = checked?.preflight;
    const report = await runWithHeartbeat(job, { store: deps.store, source, runId, signal, ...(preflight ? { preflight } : {}), ...(deps.heartbeatMs ? { heartbeatMs: deps.heartbeatMs } : {}) });
    const level = report.status === 'succeeded' || report.status === 'stopped' ? 'info' : 'error';
    deps.log[level]({ job: job.name, workspace: job.workspace, runId, rowsRead: report.rowsRead, rowsStored: report.rowsStored, rowsRejected: report.rowsRejected, error: report.error }, 'SQL import run');
  } catch (error) {
    // The store itself failed (the run report could not be written): the next tick tries again.
    deps.log.error({ job: job.name, workspace: job.workspace, runId, err: error }, 'SQL import run could not run');
  } finally {
    await source?.close().catch(() => {});
  }
}

/**
 * A stored (API) job's source, opened by the run's preflight on the addresses
 * its host check approved: the name is resolved once, by the check, and
 * never again by the driver, which could get another answer (DNS rebinding).
 */
function openedByCheck(job: ImportJob, open: ImportSchedulerDeps['openSource'], check: StoredJobCheck): { source: SqlSource; preflight: () => Promise<void> } {
  let opened: SqlSource | null = null;
  return {
    async preflight() {
      const checked = await check(job);
      if (!checked.ok) throw new Error(`refused before reading: ${checked.error}`);
      if (checked.value.addresses.length === 0) throw new Error('refused before reading: /source/url: its host name resolves to no address');
      opened = open(job.source, checked.value.addresses);
    },
    source: {
      dialect: job.source.dialect,
      async query(sql, params) {
        if (!opened) throw new Error('the source is read before its host was checked');
        return opened.query(sql, params);
      },
      close: async () => opened?.close(),
    },
  };
}
