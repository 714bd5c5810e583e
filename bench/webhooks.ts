// Webhook benchmark (`npm run bench:webhooks`): how many realistic Capillary
// event notifications smartcom accepts per second over HTTP, each stored
// durably (committed to PostgreSQL) before its 2xx, next to the rate the same
// load tool gets from a bare Fastify route that answers 202, measured in the
// same run on the same machine; then the p99 latency at half smartcom's
// maximum rate.
//
//   BENCH_SECONDS       length of each measured run (default 10)
//   BENCH_CONNECTIONS   concurrent connections (default 50)
//   BENCH_CUSTOMERS     customers registered before the runs (default 20,000):
//                       most notifications are about customers smartcom knows
//   BENCH_CHILD_NODE_ARGS  extra node flags for the smartcom process
//   TEST_PG_URL         the PostgreSQL server (default: the local one the tests use)
//
// Both servers run as child processes; autocannon runs here. Each request
// carries one event (a new eventId every time) in one of the three envelope
// forms, signed with the workspace's secret. The last line of stdout is one
// JSON object for tooling. A 2xx means the event is in the log; the profiles
// follow in the background, so the run also reports the rate at which every
// accepted event reached the profiles (projectedPerSec).
import { createHmac } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { countQueued } from '../src/apply/projection-queue-table.ts';
import { openStore } from '../src/store/open-store.ts';
import { setWebhookSecret } from '../src/workspaces/webhook-secrets.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { createCapillaryEventSource } from './lib/capillary-events.ts';
import { spawnSmartcom } from './lib/smartcom-process.ts';
import { describeMachine, positiveIntFromEnv, rate, runBench, type BenchRun } from './lib/bench-harness.ts';
import { freePort } from '../test/support/free-port.ts';

const seconds = positiveIntFromEnv('BENCH_SECONDS', 10);
const connections = positiveIntFromEnv('BENCH_CONNECTIONS', 50);
const customers = positiveIntFromEnv('BENCH_CUSTOMERS', 20_000);
const childNodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
const SECRET = 'whsec_bench-secret-0123456789abcdefghij';
const PATH = '/v1/webhooks/capillary/default';

// Undo steps for what the run creates on the servers (bench-harness.ts runs them newest first).
let undo: BenchRun['undo'] = () => {
  throw new Error('undo before the bench started');
};

await runBench('webhooks', async (bench) => {
  undo = bench.undo;
  await run();
});

async function run(): Promise<void> {
  const machine = describeMachine();
  console.log(`machine: ${machine}`);
  console.log(`runs: ${seconds} s each, ${connections} connections, one event per request`);

  const bare = await startBareFastify();
  await load(bare.url, 2, 'warm-up');
  const bareRun = await load(bare.url, seconds, 'bare Fastify');
  const bareReqPerSec = bareRun['2xx'] / bareRun.duration;
  await bare.stop();
  console.log(`bare Fastify (202, no work):   ${rate(bareReqPerSec)} req/s`);

  const smartcom = await startSmartcom();
  const registered = await registerCustomers(smartcom.url);
  await smartcom.projected();
  console.log(`registered ${customers.toLocaleString('en')} customers in ${registered.toFixed(1)} s (batches of 1,000, projected; not measured)`);
  await load(smartcom.url, 2, 'warm-up');
  await smartcom.projected();
  const before = await smartcom.events();
  const maxRun = await load(smartcom.url, seconds, 'smartcom max');
  const stored = (await smartcom.events()) - before;
  const eventsPerSec = maxRun['2xx'] / maxRun.duration;
  console.log(`smartcom webhook (stored):     ${rate(eventsPerSec)} events/s, p99 ${maxRun.latency.p99} ms at that rate`);
  if (maxRun.non2xx > 0 || maxRun.errors > 0) warn(`${maxRun.non2xx} non-2xx answers, ${maxRun.errors} errors`);
  if (stored < maxRun['2xx']) warn(`${maxRun['2xx']} events answered 2xx but only ${stored} are in the log`);
  // A 2xx means "in the log"; the profiles follow in the background. The
  // rate at which they are all projected is the sustainable one.
  const backlog = await smartcom.queued();
  const drainSeconds = await smartcom.projected();
  const projectedPerSec = maxRun['2xx'] / (maxRun.duration + drainSeconds);
  console.log(`  projected onto the profiles:  ${rate(projectedPerSec)} events/s (${rate(backlog)} still queued at the end of the run, projected ${drainSeconds.toFixed(1)} s later)`);

  const halfRate = Math.max(1, Math.floor(eventsPerSec / 2));
  const halfRun = await load(smartcom.url, seconds, 'smartcom at half rate', halfRate);
  const p99Ms = halfRun.latency.p99;
  const halfBacklog = await smartcom.queued();
  const halfDrain = await smartcom.projected();
  console.log(`smartcom at ${rate(halfRate)} events/s: p50 ${halfRun.latency.p50} ms, p99 ${p99Ms} ms (${rate(halfBacklog)} queued at the end, projected ${halfDrain.toFixed(1)} s later)`);
  if (halfRun.non2xx > 0 || halfRun.errors > 0) warn(`${halfRun.non2xx} non-2xx answers, ${halfRun.errors} errors at half rate`);

  const ratio = eventsPerSec / bareReqPerSec;
  console.log(`ratio: ${(ratio * 100).toFixed(1)}% of the bare rate (target 40%), p99 at half rate ${p99Ms} ms (target < 50 ms)`);
  console.log(
    JSON.stringify({
      bench: 'webhooks',
      eventsPerSec: Math.round(eventsPerSec),
      bareReqPerSec: Math.round(bareReqPerSec),
      ratio: Number(ratio.toFixed(3)),
      p99Ms,
      projectedPerSec: Math.round(projectedPerSec),
      halfRatePerSec: halfRate,
      connections,
      customers,
      seconds,
      machine,
    }),
  );
}

interface LoadResult {
  '2xx': number;
  non2xx: number;
  errors: number;
  duration: number;
  latency: { p50: number; p99: number };
}

/** One autocannon run: every request a new signed event. */
function load(url: string, duration: number, title: string, overallRate?: number): Promise<LoadResult> {
  const nextEvent = createCapillaryEventSource(Math.floor(Math.random() * 2 ** 31), customers);
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}${PATH}`,
        title,
        duration,
        connections,
        ...(overallRate ? { overallRate } : {}),
        requests: [
          {
            method: 'POST',
            setupRequest: (request: Record<string, unknown>) => {
              const body = nextEvent();
              const signature = createHmac('sha256', SECRET).update(body).digest('hex');
              return { ...request, body, headers: { 'content-type': 'application/json', 'x-signature': `sha256=${signature}` } };
            },
          },
        ],
      },
      (error: Error | null, result: LoadResult) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** The customer population, registered through the endpoint itself in large batches. */
async function registerCustomers(url: string): Promise<number> {
  const nextEvent = createCapillaryEventSource(1, customers);
  const started = performance.now();
  for (let first = 1; first <= customers; first += 1000) {
    const batch = Array.from({ length: Math.min(1000, customers - first + 1) }, (_, i) => nextEvent(first + i));
    const body = `[${batch.join(',')}]`;
    const response = await fetch(`${url}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
      body,
    });
    if (response.status !== 200) throw new Error(`registering customers: ${response.status} ${await response.text()}`);
  }
  return (performance.now() - started) / 1000;
}

async function startBareFastify(): Promise<{ url: string; stop(): Promise<unknown> }> {
  const script = fileURLToPath(new URL('./lib/bare-fastify.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  undo(stop);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const found = /listening (\S+)/.exec(chunk.toString());
      if (found) resolve(found[1]!);
    });
    void exited.then((code) => reject(new Error(`bare Fastify exited early (${code})`)));
  });
  return { url, stop };
}

async function startSmartcom(): Promise<{ url: string; events(): Promise<number>; queued(): Promise<number>; projected(): Promise<number> }> {
  const database = await createTestDatabase('smartcom_bench');
  undo(() => database.drop());
  const store = await openStore({ databaseUrl: database.url, dataDir: '' });
  undo(() => store.close());
  await setWebhookSecret(store, 'default', 'capillary', { secret: SECRET, mode: 'signature' });

  const port = await freePort();
  const child = spawnSmartcom({ ...process.env, DATABASE_URL: database.url, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', AMQP_URL: '' }, childNodeArgs);
  undo(() => child.stop(10_000));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error('smartcom did not start within 30 s');
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 200)), child.diedEarly]);
  }
  return {
    url,
    async events() {
      const result = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
      return Number(result.rows[0]?.n ?? 0);
    },
    queued: () => countQueued(store, 'default'),
    /** Waits until every accepted event is projected; returns the seconds waited. */
    async projected() {
      const started = performance.now();
      while ((await countQueued(store, 'default')) > 0) {
        if (performance.now() - started > 300_000) throw new Error('accepted events still queued after 5 minutes: the projection is stuck (see smartcom projection status)');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return (performance.now() - started) / 1000;
    },
  };
}


function warn(message: string): void {
  console.log(`WARNING: ${message}`);
}



