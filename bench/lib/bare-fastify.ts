// The reference for the webhook benchmark: a bare Fastify route that parses
// the same JSON bodies and answers 202, in a process of its own like smartcom.
// Prints "listening <url>" once it accepts connections.
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 4 * 1_048_576 });
app.post('/v1/webhooks/capillary/:workspaceId', async (_request, reply) => reply.code(202).send({ accepted: 1 }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`listening ${url}`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
