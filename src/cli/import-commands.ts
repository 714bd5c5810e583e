import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { listStoredJobs, readStoredJob } from '../imports/import-jobs-table.ts';
import { parseImportJob, redactedJob } from '../imports/job-config.ts';
import { runWithHeartbeat } from '../imports/schedule-import-jobs.ts';
import { openSqlSource } from '../ingest/sql/open-sql-source.ts';
import { openStore } from '../store/open-store.ts';
import { withStore } from './with-store.ts';
import { workspaceExists } from '../workspaces/workspaces.ts';
import { formatProgress } from './progress-line.ts';

/**
 * `smartcom import run <job.json>`: one run of an SQL import job with a progress bar (rows, rate, ETA), the report at the end.
 * `smartcom import jobs`: the jobs stored over the HTTP API (source passwords masked).
 */
export function registerImportCommands(program: Command, config: () => Config): void {
  const imports = program.command('import').description('import from a retailer\'s SQL server (docs/sql-import.md)');
  imports
    .command('run <jobFile>')
    .description('read what is new since the last run, in packs, into the profiles; prints the run report as JSON')
    .option('--no-count', 'skip counting the rows to read first (one count query on the source): no share, no ETA')
    .action(async (jobFile: string, options: { count: boolean }) => {
      const parsed = parseImportJob(JSON.parse(readFileSync(jobFile, 'utf8')));
      if (!parsed.ok) throw new Error(`invalid job ${jobFile}:\n  ${parsed.error.join('\n  ')}`);
      const job = parsed.value;
      const source = openSqlSource(job.source);
      const store = await openStore(config()).catch(async (error: unknown) => {
        await source.close();
        throw error;
      });
      try {
        if (!(await workspaceExists(store, job.workspace))) throw new Error(`no workspace "${job.workspace}"`);
        // A job's cursor is kept under its name: a file named like an API job would move that job's cursor.
        if (await readStoredJob(store, job.workspace, job.name)) {
          throw new Error(
            `job ${job.name} of workspace ${job.workspace} is defined over the HTTP API; a job file of the same name would share its cursor. ` +
              `Give the file's job another name, or run the API job (POST /v1/imports/jobs/${job.name}/runs).`,
          );
        }
        const started = performance.now();
        const show = progressPrinter();
        // Ctrl-C (or a TERM) stops the run after the pack in hand, reported `stopped`; a second one quits at once (the pack is rolled back).
        const stop = new AbortController();
        const onSignal = (signal: NodeJS.Signals) => {
          if (stop.signal.aborted) process.exit(130);
          console.error(`\n${job.name}: ${signal}: stopping after the pack in hand (again to quit now)`);
          stop.abort();
        };
        process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
        const report = await runWithHeartbeat(job, {
          store,
          source,
          signal: stop.signal,
          countRows: options.count,
          onStart: (p) => {
            if (p.countProblem) console.error(`${job.name}: could not count the rows to read (${p.countProblem}); going on without an ETA`);
            show(formatProgress(job.name, p, 0), false);
          },
          onPack: (p) => show(formatProgress(job.name, p, (performance.now() - started) / 1000), false),
        }).finally(() => process.off('SIGINT', onSignal).off('SIGTERM', onSignal));
        show('', true);
        console.log(JSON.stringify(report, null, 2));
        if (report.status !== 'succeeded') process.exitCode = 1;
      } finally {
        await source.close();
        await store.close();
      }
    });

  imports
    .command('jobs')
    .description('list the SQL import jobs stored over the HTTP API, as JSON (job files are not stored; their folder is SQL_IMPORT_JOBS_DIR)')
    .option('--workspace <id>', 'only this workspace')
    .action(async (options: { workspace?: string }) => {
      await withStore(config, async (store) => {
        const jobs = await listStoredJobs(store, options.workspace ?? null);
        const shown = jobs.map((s) => ({ workspace: s.workspaceId, name: s.name, definition: s.job && redactedJob(s.job), problems: s.problems, updatedAt: s.updatedAt }));
        console.log(JSON.stringify(shown, null, 2));
      });
    });
}

/**
 * Progress on stderr: on a terminal one line redrawn in place, elsewhere
 * (a log, CI) one line per pack. `done` ends the redrawn line.
 */
function progressPrinter(): (line: string, done: boolean) => void {
  const tty = process.stderr.isTTY;
  let drawn = false;
  return (line, done) => {
    if (done) {
      if (tty && drawn) process.stderr.write('\n');
      return;
    }
    if (tty) process.stderr.write(`\r\x1b[K${line}`);
    else process.stderr.write(`${line}\n`);
    drawn = true;
  };
}
