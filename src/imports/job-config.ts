import { Type, type Static } from '@sinclair/typebox';
import { Cron } from 'croner';
import { Value } from '@sinclair/typebox/value';
import { checkPackQuerySpec, type PackQuerySpec } from '../ingest/sql/build-pack-query.ts';
import { ENTITY_KEY_COLUMNS, SQL_ENTITIES, rowMapperOf, type SqlEntity } from '../ingest/sql/entities.ts';
import { sourceUrlProblems } from '../ingest/sql/check-source-url.ts';
import { fail, ok, type Result } from '../result.ts';

/** An import job, as written in a job file (docs/sql-import.md). */
export const ImportJobSchema = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$', description: 'the job id; its cursor is kept under it' }),
  workspace: Type.String({ minLength: 1, default: 'default' }),
  source: Type.Object({
    name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$', description: 'customer ids are local to it: profiles are sql:<name>:<local_id>' }),
    dialect: Type.Union([Type.Literal('postgres'), Type.Literal('mysql'), Type.Literal('mssql'), Type.Literal('oracle')]),
    url: Type.String({ minLength: 1 }),
  }),
  entity: Type.Union(SQL_ENTITIES.map((entity) => Type.Literal(entity)), { description: 'which table the query reads (docs/sql-import.md lists each one\'s columns)' }),
  query: Type.String({ minLength: 1, description: 'SELECT with {$last_id}, {$last_date} or {$cursor}; no ORDER BY / LIMIT' }),
  mode: Type.Union([Type.Literal('id'), Type.Literal('date')]),
  cursorColumn: Type.String({ minLength: 1 }),
  keyColumn: Type.String({ minLength: 1, description: "the row's unique key (default: the entity's, local_id for most, customer_id for bonus_balances, code for promo_codes)" }),
  startFrom: Type.Optional(Type.String({ description: 'the placeholder value of the first run (default 0 by id; by date 1970-01-01 00:00:00, on MySQL 0000-00-00 00:00:00, which also starts a serial column at 0)' })),
  packSize: Type.Integer({ minimum: 1, maximum: 100_000, default: 10_000 }),
  lookBack: Type.Number({ minimum: 0, default: 0, description: 'each run starts this far before the cursor (seconds for a timestamp, units for a number); re-read rows are no-ops' }),
  tenant: Type.Optional(Type.Object({ column: Type.String({ minLength: 1 }), value: Type.String() })),
  schedule: Type.Optional(Type.String({ description: 'cron (seconds allowed): when the service runs the job' })),
});
export type ImportJob = Static<typeof ImportJobSchema>;

/** Parses a job (from a file or a request), with every problem named. */
export function parseImportJob(input: unknown): Result<ImportJob, string[]> {
  const withDefaults = Value.Default(ImportJobSchema, withEntityKeyColumn(structuredClone(input)));
  const errors = shapeProblems(withDefaults);
  if (errors.length > 0) return fail(errors);
  const job = withDefaults as ImportJob;
  const problems = checkPackQuerySpec(packSpecOf(job));
  if (!rowMapperOf(job.entity)) problems.push(`entity "${job.entity}": not importable yet`);
  for (const problem of sourceUrlProblems(job.source.dialect, job.source.url)) problems.push(`source.url: ${problem}`);
  if (job.schedule !== undefined) {
    try {
      new Cron(job.schedule, { paused: true }).stop();
    } catch (error) {
      problems.push(`schedule "${job.schedule}": ${(error as Error).message}`);
    }
  }
  return problems.length > 0 ? fail(problems) : ok(job);
}

/**
 * One problem per field, the first TypeBox names (a missing field is also
 * "not a string"), and for a field of fixed choices the choices themselves
 * rather than "Expected union value".
 */
function shapeProblems(job: unknown): string[] {
  const byPath = new Map<string, string>();
  for (const error of Value.Errors(ImportJobSchema, job)) {
    const path = error.path || '/';
    if (byPath.has(path)) continue;
    const choices = (error.schema as { anyOf?: Array<{ const?: unknown }> }).anyOf?.map((option) => option.const);
    const fixed = choices && choices.length > 0 && choices.every((c) => typeof c === 'string');
    byPath.set(path, `${path}: ${fixed ? `expected one of ${choices.join(', ')}` : error.message}`);
  }
  return [...byPath.values()];
}

/** The key column an entity's rows are told apart by, unless the job names another. */
function withEntityKeyColumn(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || 'keyColumn' in input) return input;
  const entity = (input as { entity?: unknown }).entity;
  return { ...input, keyColumn: typeof entity === 'string' ? (ENTITY_KEY_COLUMNS[entity as SqlEntity] ?? 'local_id') : 'local_id' };
}

export function packSpecOf(job: ImportJob): PackQuerySpec {
  return {
    dialect: job.source.dialect,
    query: job.query,
    mode: job.mode,
    cursorColumn: job.cursorColumn,
    keyColumn: job.keyColumn,
    tenant: job.tenant,
    packSize: job.packSize,
  };
}

export function startFromOf(job: ImportJob): string {
  if (job.startFrom !== undefined) return job.startFrom;
  if (job.mode === 'id') return '0';
  // Batching by date may run over a serial column. MySQL compares a number
  // with a date text as a number ('1970-01-01 …' is 1970), so the first run
  // would silently skip serials below 1970; the zero date is 0 as a number
  // and the earliest of dates. The other servers refuse to compare the two
  // (the run fails, saying so), and do not know the zero date.
  return job.source.dialect === 'mysql' ? '0000-00-00 00:00:00' : '1970-01-01 00:00:00';
}

// Query parameters that carry a secret in the drivers' URLs (pg sslpassword, mssql/oracle password, tokens).
const SECRET_PARAM = /pass(word)?|pwd|secret|token/i;

/**
 * The source URL as the API and the logs may show it: the password (and any
 * secret-looking query parameter) replaced by ***. A text that is not a URL
 * (a `key=value;` connection string, oracle's `user/password@host`) has its
 * password masked.
 */
export function redactSourceUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // key=value; strings (mssql, odbc), user/password@host (oracle easy connect), a URL too broken to parse
    return text
      .replace(/((?:password|pwd)\s*=\s*)[^;&]*/gi, '$1***')
      .replace(/^([^/\s@:=;]+\/)[^@]+@/, '$1***@')
      // everything from the first ':' after '//' to the last '@': a password may hold '/' or '@'
      .replace(/(\/\/[^/@:]*:).*@/, '$1***@');
  }
  if (url.password) url.password = '***';
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) url.searchParams.set(name, '***');
  }
  // URLSearchParams writes * as %2A; the mask reads better as typed.
  return url.toString().replaceAll('%2A%2A%2A', '***');
}

/** A job as it may be shown: everything but its source's secrets. */
export function redactedJob(job: ImportJob): ImportJob {
  return { ...job, source: { ...job.source, url: redactSourceUrl(job.source.url) } };
}
