import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { SqlSource, SqlSourceConfig } from '../ingest/sql/sql-source.ts';
import type { Store } from '../store/db.ts';
import type { ImportJob } from './job-config.ts';
import { runImportJob } from './run-import-job.ts';

export interface ImportScheduler {
  /** Stops the schedules and waits for runs in progress to finish their pack loop. */
  stop(): Promise<void>;
}

/**
 * Runs every job that has a schedule (cron, seconds allowed) in this
 * process. A tick while the job's previous run is still going is skipped
 * (croner's protect), so a slow source is never read by two runs at once;
 * across processes the cursor's row lock stops the second (see
 * advanceCursor). Each run opens its own connection and closes it after.
 */
export function startImportScheduler(
  jobs: readonly ImportJob[],
  deps: { store: Store; log: Logger; openSource: (config: SqlSourceConfig) => SqlSource },
): ImportScheduler {
  const running = new Set<Promise<void>>();
  const crons = jobs
    .filter((job) => job.schedule)
    .map(
      (job) =>
        new Cron(job.schedule!, { protect: true, name: `sql-import:${job.workspace}:${job.name}` }, () => {
          const run = runOnce(job, deps).finally(() => running.delete(run));
          running.add(run);
          return run;
        }),
    );
  deps.log.info({ jobs: crons.map((c) => c.name) }, 'SQL import schedules started');
  return {
    async stop() {
      for (const cron of crons) cron.stop();
      await Promise.all([...running]);
    },
  };
}

async function runOnce(job: ImportJob, deps: { store: Store; log: Logger; openSource: (config: SqlSourceConfig) => SqlSource }): Promise<void> {
  let source: SqlSource | null = null;
  try {
    source = deps.openSource(job.source);
    const report = await runImportJob(job, { store: deps.store, source });
    const level = report.status === 'succeeded' ? 'info' : 'error';
    deps.log[level]({ job: job.name, workspace: job.workspace, rowsRead: report.rowsRead, rowsStored: report.rowsStored, rowsRejected: report.rowsRejected, error: report.error }, 'SQL import run');
  } catch (error) {
    // The store itself failed (the run report could not be written): the next tick tries again.
    deps.log.error({ job: job.name, workspace: job.workspace, err: error }, 'SQL import run could not run');
  } finally {
    await source?.close().catch(() => {});
  }
}
