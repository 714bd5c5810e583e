import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseImportJob, type ImportJob } from './job-config.ts';

/** Every *.json job file in a folder, parsed; a file that is not a valid job is named with its problems. */
export function loadJobFiles(dir: string): { jobs: ImportJob[]; problems: string[] } {
  const jobs: ImportJob[] = [];
  const problems: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    let parsed: ReturnType<typeof parseImportJob>;
    try {
      parsed = parseImportJob(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
      continue;
    }
    if (parsed.ok) jobs.push(parsed.value);
    else problems.push(`${file}: ${parsed.error.join('; ')}`);
  }
  return { jobs, problems };
}
