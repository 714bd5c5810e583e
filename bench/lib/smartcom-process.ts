import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SmartcomProcess {
  pid: number;
  /** Set once the process has exited. */
  exit(): Exit | null;
  /** Rejects if the process exits before `stop()` is called; for racing against waits. */
  diedEarly: Promise<never>;
  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<Exit>;
}

/**
 * Runs `smartcom serve` as its own process (so its memory is its own, not
 * the publisher's). Its output goes to our stderr: the bench's stdout stays
 * the report.
 */
export function spawnSmartcom(env: NodeJS.ProcessEnv, nodeArgs: readonly string[] = []): SmartcomProcess {
  const child = spawn(process.execPath, [...nodeArgs, 'bin/smartcom.js', 'serve'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(process.stderr);
  child.stderr.pipe(process.stderr);
  if (child.pid === undefined) throw new Error('could not start smartcom');
  let exit: Exit | null = null;
  let stopping = false;
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    }),
  );
  const diedEarly = exited.then((e) => {
    if (stopping) return new Promise<never>(() => {});
    throw new Error(`smartcom exited early (code ${e.code}, signal ${e.signal})`);
  });
  diedEarly.catch(() => {});
  return {
    pid: child.pid,
    exit: () => exit,
    diedEarly,
    async stop(graceMs = 30_000) {
      stopping = true;
      if (exit) return exit;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    },
  };
}

/** Resident memory of a process from /proc, in kB: now (VmRSS) and its peak so far (VmHWM). */
export function readMemoryKb(pid: number): { rssKb: number; hwmKb: number } | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}

/** CPU time (user + system) a process has used so far, in seconds. /proc counts it in USER_HZ ticks: 100 a second on Linux. */
export function readCpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface MemorySample {
  atMs: number;
  /** Events applied when the sample was taken. */
  applied: number;
  rssKb: number;
}

/** Samples a process's RSS every `everyMs`, tagging each sample with the progress at that moment. */
export function sampleMemory(pid: number, progress: () => number, everyMs = 200): { samples: MemorySample[]; stop(): void } {
  const samples: MemorySample[] = [];
  const take = () => {
    const memory = readMemoryKb(pid);
    if (memory) samples.push({ atMs: performance.now(), applied: progress(), rssKb: memory.rssKb });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
    },
  };
}
