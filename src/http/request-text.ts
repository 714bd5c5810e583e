import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Refuses a path or query value holding a NUL character, for every route:
 * PostgreSQL cannot compare text with one (it would answer 500), and no id,
 * lookup value or cursor smartcom gives out contains one.
 */
export async function refuseNulInPathAndQuery(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const named = nulIn(request.params, 'path') ?? nulIn(request.query, 'query');
  if (named) await reply.code(400).send({ error: 'invalid_request', message: `${named} contains a NUL character` });
}

function nulIn(values: unknown, where: string): string | undefined {
  if (values === null || typeof values !== 'object') return undefined;
  for (const [name, value] of Object.entries(values)) {
    const texts = Array.isArray(value) ? value : [value];
    if (texts.some((text) => typeof text === 'string' && text.includes('\u0000'))) return `${where} parameter ${name}`;
  }
  return undefined;
}
