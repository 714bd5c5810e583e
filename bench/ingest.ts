// Ingest benchmark (`npm run bench:ingest`): how fast smartcom turns a
// backlog of realistic Loymax events into profiles, next to how fast this
// machine's RabbitMQ can hand the same backlog to a consumer that does nothing.
//
//   BENCH_EVENTS            events to publish (default 200,000; customers = events / 2)
//   BENCH_CHILD_NODE_ARGS   extra node flags for the smartcom process, e.g.
//                           "--cpu-prof --cpu-prof-dir=/tmp/smartcom-prof"
//   TEST_AMQP_URL, TEST_PG_URL   the servers (defaults: the local ones the tests use)
//
// smartcom runs as a child process (`smartcom serve`) with this process's
// environment plus the bench's topology and database, so CONSUMER_* settings
// can be tried without editing anything. Publishing is not timed in either
// figure. The last line of stdout is one JSON object for tooling.
import { deleteTopology, TEST_AMQP_URL, uniqueTopology } from '../test/support/test-broker.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { watchAppliedEvents } from './lib/applied-events.ts';
import { messagesIn, publishBacklog, waitForConsumer } from './lib/bench-queues.ts';
import { measureRawConsume, RAW_PREFETCH } from './lib/raw-consume.ts';
import { readCpuSeconds, readMemoryKb, sampleMemory, spawnSmartcom, type MemorySample } from './lib/smartcom-process.ts';
import { describeMachine, positiveIntFromEnv, rate, runBench, type BenchRun } from './lib/bench-harness.ts';

const url = TEST_AMQP_URL;
const events = positiveIntFromEnv('BENCH_EVENTS', 200_000);
const customers = Math.max(1, Math.floor(events / 2));
const childNodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

// Undo steps for what the run creates on the servers (bench-harness.ts runs them newest first).
let undo: BenchRun['undo'] = () => {
  throw new Error('undo before the bench started');
};

const warnings: string[] = [];
const warn = (message: string) => {
  warnings.push(message);
  console.log(`WARNING: ${message}`);
};

await runBench('ingest', async (bench) => {
  undo = bench.undo;
  await run();
});

async function run(): Promise<void> {
  const machine = describeMachine();
  console.log(`machine: ${machine}`);
  console.log(`events: ${events.toLocaleString('en')} for ${customers.toLocaleString('en')} customers`);

  const raw = await measureRawBroker();
  console.log(`raw consume (amqplib, prefetch ${RAW_PREFETCH}, no processing): ${rate(raw.perSecond)} msg/s (${raw.seconds.toFixed(2)} s)`);

  const smartcom = await measureSmartcom();
  const eventsPerSec = events / smartcom.seconds;
  const ratio = eventsPerSec / raw.perSecond;
  const peakRssMb = smartcom.peakRssKb / 1024;

  console.log('');
  console.log(`smartcom end to end: ${rate(eventsPerSec)} events/s (${smartcom.seconds.toFixed(2)} s from consumer start to the last event in the store)`);
  console.log(`smartcom CPU:        ${smartcom.cpuSeconds.toFixed(1)} s in that time (${((100 * smartcom.cpuSeconds) / smartcom.seconds).toFixed(0)}% of one core)`);
  console.log(`raw broker consume:  ${rate(raw.perSecond)} msg/s`);
  console.log(`ratio:               ${(ratio * 100).toFixed(1)}% of the raw consume rate`);
  console.log(`smartcom memory:     peak RSS ${peakRssMb.toFixed(1)} MB (VmHWM); RSS at progress ${rssAtProgress(smartcom.samples)}`);
  if (warnings.length > 0) console.log(`${warnings.length} warning(s), see above`);
  console.log(
    JSON.stringify({
      bench: 'ingest',
      eventsPerSec: Math.round(eventsPerSec),
      rawConsumePerSec: Math.round(raw.perSecond),
      ratio: Number(ratio.toFixed(3)),
      peakRssMb: Number(peakRssMb.toFixed(1)),
      events,
      machine,
    }),
  );
}

/** Same backlog, own queue, drained by a consumer that only acks. */
async function measureRawBroker(): Promise<{ seconds: number; perSecond: number }> {
  const topology = uniqueTopology('smcbench.raw');
  undo(() => deleteTopology(topology));
  const backlog = await publishBacklog(url, topology, events, customers);
  console.log(`published ${backlog.published} events for the raw consumer in ${backlog.seconds.toFixed(1)} s`);
  if (backlog.queued !== events) warn(`raw queue holds ${backlog.queued} messages, expected ${events}`);
  const result = await measureRawConsume(url, topology.queue, backlog.queued);
  await deleteTopology(topology);
  return result;
}

interface SmartcomRun {
  seconds: number;
  /** CPU the smartcom process used meanwhile: well under `seconds` means it mostly waits (on the store or the broker). */
  cpuSeconds: number;
  peakRssKb: number;
  samples: MemorySample[];
}

/** Backlog first, then smartcom starts on it; timed from its consumer appearing to the last event in the log. */
async function measureSmartcom(): Promise<SmartcomRun> {
  const database = await createTestDatabase('smartcom_bench');
  undo(() => database.drop());
  const topology = uniqueTopology('smcbench');
  undo(() => deleteTopology(topology));
  const backlog = await publishBacklog(url, topology, events, customers);
  console.log(`published ${backlog.published} events for smartcom in ${backlog.seconds.toFixed(1)} s`);
  if (backlog.queued !== events) warn(`smartcom queue holds ${backlog.queued} messages, expected ${events}`);

  const child = spawnSmartcom(
    {
      ...process.env,
      DATABASE_URL: database.url,
      AMQP_URL: url,
      LOYMAX_EXCHANGE: topology.exchange,
      LOYMAX_QUEUE: topology.queue,
      LOYMAX_ERROR_QUEUE: topology.errorQueue,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
    },
    childNodeArgs,
  );
  undo(() => child.stop(5000));
  await Promise.race([waitForConsumer(url, topology.queue), child.diedEarly]);
  const started = performance.now();
  const cpuAtStart = readCpuSeconds(child.pid) ?? 0;
  console.log('smartcom is consuming');

  const log = await watchAppliedEvents(database.url);
  undo(() => log.close());
  const memory = sampleMemory(child.pid, log.applied);
  undo(async () => memory.stop());
  const finished = await Promise.race([log.waitFor(events), child.diedEarly]);
  memory.stop();
  const cpuSeconds = (readCpuSeconds(child.pid) ?? 0) - cpuAtStart;
  const peakRssKb = readMemoryKb(child.pid)?.hwmKb ?? Math.max(...memory.samples.map((s) => s.rssKb));

  // Correctness in passing: every message once in the log, nothing refused.
  const logged = await log.count();
  if (logged !== events) warn(`the event log holds ${logged} events, ${events} were published`);
  const refused = await messagesIn(url, topology.errorQueue);
  if (refused > 0) warn(`${refused} message(s) in the error queue ${topology.errorQueue}`);

  const exit = await child.stop();
  if (exit.code !== 0) warn(`smartcom did not stop cleanly on SIGTERM (code ${exit.code}, signal ${exit.signal})`);
  return { seconds: (finished - started) / 1000, cpuSeconds, peakRssKb, samples: memory.samples };
}

/** "25%: 150 MB, 50%: ..." from the first sample at or past each quarter of the events. */
function rssAtProgress(samples: readonly MemorySample[]): string {
  return [0.25, 0.5, 0.75, 1]
    .map((share) => {
      const sample = samples.find((s) => s.applied >= share * events) ?? samples.at(-1);
      return `${share * 100}%: ${sample ? (sample.rssKb / 1024).toFixed(0) : '?'} MB`;
    })
    .join(', ');
}



