import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { listRuns } from '../../imports/import-state-table.ts';
import type { Store } from '../../store/db.ts';

const RunsQuery = Type.Object({
  job: Type.Optional(Type.String({ minLength: 1, maxLength: 63, description: 'only this job' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});

/** SQL import run reports of the caller's workspace (rows read, stored, rejected with reasons, cursor). */
export function registerImportRoutes(app: FastifyInstance, deps: { store: Store }): void {
  app.get(
    '/v1/imports/runs',
    {
      schema: {
        tags: ['imports'],
        summary: 'SQL import runs, latest first: rows read, stored, unchanged and rejected (with reasons), duration, cursor, error',
        querystring: RunsQuery,
        security: [{ apiKey: [] }],
      },
    },
    async (request) => {
      const query = request.query as { job?: string; limit: number };
      return { runs: await listRuns(deps.store, request.workspaceId, { job: query.job, limit: query.limit }) };
    },
  );
}
