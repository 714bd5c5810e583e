import os from 'node:os';

/**
 * What every bench needs around its measurement: undo steps for what it
 * created on the servers (run newest first on success, failure and Ctrl-C),
 * a description of the machine, and settings from the environment.
 */
export interface BenchRun {
  /** Registers an undo step for something just created. */
  undo(step: () => Promise<unknown>): void;
}

export async function runBench(name: string, measure: (run: BenchRun) => Promise<void>): Promise<void> {
  const undo: Array<() => Promise<unknown>> = [];
  const cleanUp = async () => {
    for (let step = undo.pop(); step; step = undo.pop()) await step().catch((error: Error) => console.error(`cleanup: ${error.message}`));
  };
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  try {
    await measure({ undo: (step) => undo.push(step) });
  } catch (error) {
    console.error(`bench:${name} failed: ${(error as Error).stack ?? error}`);
    process.exitCode = 1;
  } finally {
    await cleanUp();
  }
}

export function describeMachine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM`;
}

export const rate = (perSecond: number): string => Math.round(perSecond).toLocaleString('en');

export function positiveIntFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(raw)}`);
  return value;
}
