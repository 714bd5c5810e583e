import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { listStoredJobs } from '../imports/import-jobs-table.ts';
import { parseImportJob, redactedJob } from '../imports/job-config.ts';
import { runWithHeartbeat } from '../imports/schedule-import-jobs.ts';
import { openSqlSource } from '../ingest/sql/open-sql-source.ts';
import { openStore } from '../store/open-store.ts';
import { workspaceExists } from '../workspaces/workspaces.ts';

/**
 * `smartcom import run <job.json>`: one run of an SQL import job, a progress line per pack, the report at the end.
 * `smartcom import jobs`: the jobs stored over the HTTP API (source passwords masked).
 */
export function registerImportCommands(program: Command, config: () => Config): void {
  const imports = program.command('import').description('import from a retailer\'s SQL server (docs/sql-import.md)');
  imports
    .command('run <jobFile>')
    .description('read what is new since the last run, in packs, into the profiles; prints the run report as JSON')
    .action(async (jobFile: string) => {
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
        const report = await runWithHeartbeat(job, {
          store,
          source,
          onPack: (p) => console.error(`${job.name}: pack ${p.packs}, read ${p.rowsRead}, stored ${p.rowsStored}, rejected ${p.rowsRejected}, cursor ${p.cursor}`),
        });
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
      const store = await openStore(config());
      try {
        const jobs = await listStoredJobs(store, options.workspace ?? null);
        const shown = jobs.map((s) => ({ workspace: s.workspaceId, name: s.name, definition: s.job && redactedJob(s.job), problems: s.problems, updatedAt: s.updatedAt }));
        console.log(JSON.stringify(shown, null, 2));
      } finally {
        await store.close();
      }
    });
}
