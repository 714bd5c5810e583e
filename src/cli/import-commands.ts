import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { parseImportJob } from '../imports/job-config.ts';
import { runImportJob } from '../imports/run-import-job.ts';
import { openSqlSource } from '../ingest/sql/open-sql-source.ts';
import { openStore } from '../store/open-store.ts';
import { workspaceExists } from '../workspaces/workspaces.ts';

/** `smartcom import run <job.json>`: one run of an SQL import job, a progress line per pack, the report at the end. */
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
        const report = await runImportJob(job, {
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
}
