import { HouseError } from '../house-error.ts';
import { API_KEY_SECURITY } from '../api-key-security.ts';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { deleteStoredJob, listStoredJobs, readStoredJob, saveStoredJob, type StoredJob } from '../../imports/import-jobs-table.ts';
import { apiJobHostProblem, type ApiJobHostRule } from '../../imports/api-job-hosts.ts';
import { findLiveRun, listRuns, readWorkspaceRun } from '../../imports/import-state-table.ts';
import { ImportJobSchema, parseImportJob, redactedJob, redactSourceUrl, type ImportJob } from '../../imports/job-config.ts';
import type { ImportScheduler } from '../../imports/schedule-import-jobs.ts';
import type { Store } from '../../store/db.ts';

const security = API_KEY_SECURITY;
const RunsQuery = Type.Object({
  job: Type.Optional(Type.String({ minLength: 1, maxLength: 63, description: 'only this job' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  beforeStartedAt: Type.Optional(Type.String({ format: 'date-time', description: 'Page: runs after this one in the list (nextPage.beforeStartedAt)' })),
  beforeId: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'with beforeStartedAt: the run id of nextPage' })),
});
const JobParams = Type.Object({ name: Type.String({ pattern: ImportJobSchema.properties.name.pattern!, description: 'the job id in the workspace' }) });
const JobBody = Type.Omit(ImportJobSchema, ['name', 'workspace'], {
  description: 'the job, as in a job file (docs/sql-import.md) without name (the path\'s) and workspace (the API key\'s)',
});
const JobView = Type.Object({
  name: Type.String(),
  origin: Type.Union([Type.Literal('api'), Type.Literal('file')], { description: 'file: from SQL_IMPORT_JOBS_DIR, read-only over the API' }),
  definition: Type.Union([ImportJobSchema, Type.Null()], { description: 'the job; the source URL\'s password is shown as ***; null when problems is not empty' }),
  problems: Type.Array(Type.String(), { description: 'why a stored job no longer runs (the job schema got stricter since it was saved)' }),
  createdAt: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});
// problems: only when the body was read as JSON; a body that is not JSON gets the house's invalid_json answer.
const InvalidJob = Type.Object({ error: Type.String(), message: Type.String(), problems: Type.Optional(Type.Array(Type.String())) });

const jobNotFound = (name: string) => ({ error: 'job_not_found', message: `no SQL import job ${name} in this workspace` });
const definedInFile = (name: string) => ({
  error: 'job_defined_in_file',
  message: `job ${name} is defined by a job file in SQL_IMPORT_JOBS_DIR; change or remove the file (jobs from files are read-only over the API)`,
});

/** SQL import run reports of the caller's workspace (rows read, stored, rejected with reasons, cursor). */
export function registerImportRoutes(app: FastifyInstance, deps: { store: Store }): void {
  app.get(
    '/v1/imports/runs',
    {
      schema: {
        tags: ['imports'],
        summary:
          'SQL import runs, latest first: status (running, succeeded, failed, stopped when the service stopping ended it between packs, or interrupted when the process running it died), rows read, stored, unchanged and rejected (with reasons), duration, cursor, error',
        querystring: RunsQuery,
        security,
      },
    },
    async (request, reply) => {
      const query = request.query as { job?: string; limit: number; beforeStartedAt?: string; beforeId?: string };
      if ((query.beforeStartedAt === undefined) !== (query.beforeId === undefined)) {
        return reply.code(400).send({ error: 'invalid_request', message: 'beforeStartedAt and beforeId go together (nextPage gives both)' });
      }
      const before = query.beforeStartedAt !== undefined && query.beforeId !== undefined ? { startedAt: query.beforeStartedAt, id: query.beforeId } : undefined;
      const runs = await listRuns(deps.store, request.workspaceId, { job: query.job, limit: query.limit, before });
      const last = runs.length === query.limit ? runs[runs.length - 1] : undefined;
      return { runs, nextPage: last ? { beforeStartedAt: last.startedAt, beforeId: last.id } : null };
    },
  );

  app.get(
    '/v1/imports/runs/:runId',
    {
      schema: {
        tags: ['imports'],
        summary: 'One SQL import run report (the id a "run now" answered with)',
        params: Type.Object({ runId: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 404: HouseError },
        security,
      },
    },
    async (request, reply) => {
      const { runId } = request.params as { runId: string };
      const run = await readWorkspaceRun(deps.store, request.workspaceId, runId);
      return run ?? reply.code(404).send({ error: 'run_not_found', message: `no SQL import run ${runId} in this workspace (a run started a moment ago appears once it has read its cursor)` });
    },
  );
}

/**
 * SQL import jobs over the API: defined per workspace (the API key's), stored,
 * scheduled by the service's scheduler (reloaded after every change), run on
 * demand. Job files are listed and can be run, never changed. Registered by
 * the service, which owns the scheduler.
 */
export function registerImportJobRoutes(app: FastifyInstance, deps: { store: Store; scheduler: ImportScheduler; hostRule: ApiJobHostRule }): void {
  const { store, scheduler } = deps;
  const fileJobOf = (workspaceId: string, name: string) => scheduler.fileJobs.find((job) => job.workspace === workspaceId && job.name === name);
  const reloadSchedules = (log: { error(o: object, m: string): void }) =>
    // The change is stored; if the scheduler cannot re-read now, its periodic re-read will.
    scheduler.reload().catch((error: unknown) => log.error({ err: error }, 'SQL import schedules not reloaded after a job change'));

  app.get(
    '/v1/imports/jobs',
    {
      schema: {
        tags: ['imports'],
        summary: 'The SQL import jobs of this workspace: defined over the API, and from job files (read-only); source passwords are never shown',
        response: { 200: Type.Object({ jobs: Type.Array(JobView) }) },
        security,
      },
    },
    async (request) => {
      const files = scheduler.fileJobs.filter((job) => job.workspace === request.workspaceId);
      const fileNames = new Set(files.map((job) => job.name));
      const stored = (await listStoredJobs(store, request.workspaceId)).filter((s) => !fileNames.has(s.name));
      const jobs = [...files.map(fileJobView), ...stored.map(storedJobView)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return { jobs };
    },
  );

  app.get(
    '/v1/imports/jobs/:name',
    {
      schema: {
        tags: ['imports'],
        summary: 'One SQL import job of this workspace (source password shown as ***)',
        params: JobParams,
        response: { 200: JobView, 404: HouseError },
        security,
      },
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const file = fileJobOf(request.workspaceId, name);
      if (file) return fileJobView(file);
      const stored = await readStoredJob(store, request.workspaceId, name);
      return stored ? storedJobView(stored) : reply.code(404).send(jobNotFound(name));
    },
  );

  app.put(
    '/v1/imports/jobs/:name',
    {
      // The schema documents the body; the job is checked by parseImportJob,
      // so the API names every problem exactly as a job file's check does.
      validatorCompiler: () => () => true,
      schema: {
        tags: ['imports'],
        summary:
          'Create (201) or replace (200) an SQL import job of this workspace; its schedule takes effect at once. 400 invalid_job lists every problem; 409 job_defined_in_file when a job file has that name.',
        params: JobParams,
        body: JobBody,
        response: { 200: JobView, 201: JobView, 400: InvalidJob, 409: HouseError },
        security,
      },
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const checked = await jobOfRequest(request.body, name, request.workspaceId, deps.hostRule);
      if (!checked.ok) {
        return reply.code(400).send({ error: 'invalid_job', message: `the job has ${checked.problems.length} problem(s): ${checked.problems.join('; ')}`, problems: checked.problems });
      }
      if (fileJobOf(request.workspaceId, name)) return reply.code(409).send(definedInFile(name));
      const { created } = await saveStoredJob(store, checked.job);
      await reloadSchedules(request.log);
      const saved = await readStoredJob(store, request.workspaceId, name);
      return reply.code(created ? 201 : 200).send(storedJobView(saved!));
    },
  );

  app.delete(
    '/v1/imports/jobs/:name',
    {
      schema: {
        tags: ['imports'],
        summary:
          'Delete an SQL import job of this workspace; its schedule stops at once (a run in progress finishes). Its cursor is kept, so a job created again under the name resumes where it stopped, unless forgetCursor=true.',
        params: JobParams,
        querystring: Type.Object({ forgetCursor: Type.Boolean({ default: false, description: 'also delete where the job stopped: a job created again under this name starts from its startFrom' }) }),
        response: { 204: Type.Null({ description: 'deleted' }), 404: HouseError, 409: HouseError },
        security,
      },
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const { forgetCursor } = request.query as { forgetCursor: boolean };
      if (fileJobOf(request.workspaceId, name)) return reply.code(409).send(definedInFile(name));
      if (!(await deleteStoredJob(store, request.workspaceId, name, forgetCursor))) return reply.code(404).send(jobNotFound(name));
      await reloadSchedules(request.log);
      return reply.code(204).send();
    },
  );

  app.post(
    '/v1/imports/jobs/:name/runs',
    {
      schema: {
        tags: ['imports'],
        summary:
          'Run an SQL import job now, in the background: 202 with the run id (its report is GET /v1/imports/runs/{runId}). 409 job_running when a run of the job is already going (in any service process).',
        params: JobParams,
        response: { 202: Type.Object({ runId: Type.String(), job: Type.String(), report: Type.String() }), 404: HouseError, 409: HouseError, 503: HouseError },
        security,
      },
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      let job = fileJobOf(request.workspaceId, name);
      if (!job) {
        const stored = await readStoredJob(store, request.workspaceId, name);
        if (!stored) return reply.code(404).send(jobNotFound(name));
        if (!stored.job) return reply.code(409).send({ error: 'job_invalid', message: `job ${name} no longer passes the job check: ${stored.problems.join('; ')}; replace it` });
        job = stored.job;
      }
      if (scheduler.stopping) return reply.code(503).send({ error: 'service_stopping', message: 'the service is stopping; run the job again once it is back' });
      const elsewhere = await findLiveRun(store, request.workspaceId, name);
      const started = elsewhere ? null : scheduler.runNow(job);
      if (!started) {
        const where = elsewhere ? `(run ${elsewhere.id}, heartbeat at ${elsewhere.heartbeatAt})` : 'in this service process';
        return reply.code(409).send({ error: 'job_running', message: `job ${name} is running ${where}; wait for its run to finish` });
      }
      const report = `/v1/imports/runs/${started.runId}`;
      return reply.code(202).header('location', report).send({ runId: started.runId, job: name, report });
    },
  );
}

/** The job a PUT describes: the body's fields, the path's name, the API key's workspace, checked like a job file. */
async function jobOfRequest(body: unknown, name: string, workspaceId: string, hostRule: ApiJobHostRule): Promise<{ ok: true; job: ImportJob } | { ok: false; problems: string[] }> {
  if (typeof body === 'string') return { ok: false, problems: ['/: the body must be a JSON object (the job), sent as Content-Type: application/json'] };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, problems: ['/: the body must be a JSON object (the job)'] };
  const fields = body as Record<string, unknown>;
  const problems: string[] = [];
  if (fields.workspace !== undefined && fields.workspace !== workspaceId) problems.push('/workspace: the workspace is the API key\'s; leave it out');
  if (fields.name !== undefined && fields.name !== name) problems.push(`/name: the job's name is the path's ("${name}"); leave it out or make them equal`);
  const parsed = parseImportJob({ ...fields, name, workspace: workspaceId });
  if (!parsed.ok) problems.push(...parsed.error);
  const hostProblem = parsed.ok ? await apiJobHostProblem(parsed.value.source, hostRule) : null;
  if (hostProblem) problems.push(hostProblem);
  // A definition read back from GET carries the mask, not the password: storing it would break the next run.
  if (parsed.ok && parsed.value.source.url.includes('***') && redactSourceUrl(parsed.value.source.url) === parsed.value.source.url) {
    problems.push('/source/url: holds the *** mask GET shows instead of the password; send the real password');
  }
  return problems.length > 0 || !parsed.ok ? { ok: false, problems } : { ok: true, job: parsed.value };
}

function fileJobView(job: ImportJob) {
  return { name: job.name, origin: 'file' as const, definition: redactedJob(job), problems: [], createdAt: null, updatedAt: null };
}

function storedJobView(stored: StoredJob) {
  return {
    name: stored.name,
    origin: 'api' as const,
    definition: stored.job && redactedJob(stored.job),
    problems: stored.problems,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}
