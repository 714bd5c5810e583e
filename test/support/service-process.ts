import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { applyLoymaxTopology, type LoymaxTopology } from '../../src/broker/topology.ts';
import { TEST_AMQP_URL } from './test-broker.ts';

const SMARTCOM_BIN = fileURLToPath(new URL('../../bin/smartcom.js', import.meta.url));

/**
 * `smartcom serve` as a child process, the way it runs in production, so a
 * test can SIGKILL or SIGTERM it.
 */
export interface ServiceProcess {
  child: ChildProcess;
  /** Resolves when the process has exited, with how. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last few KB of its stdout and stderr, for failure messages. */
  output(): string;
  /** Sends a signal (if still running) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServiceProcessOptions {
  databaseUrl: string;
  amqpUrl?: string;
  topology: LoymaxTopology;
  /** More environment (CONSUMER_BATCH_SIZE...). */
  env?: Record<string, string>;
}

export function spawnService(options: ServiceProcessOptions): ServiceProcess {
  const child = spawn(process.execPath, [SMARTCOM_BIN, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: options.databaseUrl,
      AMQP_URL: options.amqpUrl ?? TEST_AMQP_URL,
      LOYMAX_EXCHANGE: options.topology.exchange,
      LOYMAX_QUEUE: options.topology.queue,
      LOYMAX_ERROR_QUEUE: options.topology.errorQueue,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exited,
    output: () => output,
    async stop(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Messages ready in a queue and consumers attached to it (404 while the queue does not exist yet). */
export async function queueStats(queue: string): Promise<{ messages: number; consumers: number }> {
  const connection = await amqp.connect(TEST_AMQP_URL);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => {});
    const { messageCount, consumerCount } = await channel.checkQueue(queue);
    return { messages: messageCount, consumers: consumerCount };
  } finally {
    await connection.close().catch(() => {});
  }
}

/** Declares the Loymax exchange, queue and error queue, so messages published before the service starts are kept. */
export async function declareTopology(topology: LoymaxTopology): Promise<void> {
  const connection = await amqp.connect(TEST_AMQP_URL);
  try {
    await applyLoymaxTopology(await connection.createChannel(), topology);
  } finally {
    await connection.close().catch(() => {});
  }
}
