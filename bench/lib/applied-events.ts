import pg from 'pg';

const STALL_MS = 60_000;

/**
 * Watches the event log of the bench database. An event is in the log only
 * once its whole batch (log and profiles, one transaction) has committed, so
 * "in the log" means "applied and visible".
 */
export interface AppliedEventsWatch {
  /** The last progress seen (events applied). */
  applied(): number;
  /** Polls until `target` events are in the log; resolves with the moment it saw them (performance.now()). */
  waitFor(target: number, everyMs?: number): Promise<number>;
  count(): Promise<number>;
  close(): Promise<void>;
}

export async function watchAppliedEvents(databaseUrl: string): Promise<AppliedEventsWatch> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // Dropping the database (cleanup after a failure) ends this session; the poll then rejects instead of crashing the process.
  client.on('error', () => {});
  await client.connect();
  let applied = 0;
  const scalar = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
  // max(seq) is one index probe; count(*) scans the table. seq has no gaps
  // unless a batch rolled back or hit a duplicate, so max(seq) is the cheap
  // progress figure and count(*) settles it at the end.
  const maxSeq = () => scalar('SELECT coalesce(max(seq), 0) AS n FROM events');
  const count = () => scalar('SELECT count(*) AS n FROM events');
  return {
    applied: () => applied,
    count,
    async waitFor(target, everyMs = 25) {
      let lastChange = Date.now();
      const poll = async (read: () => Promise<number>): Promise<number> => {
        for (;;) {
          const seen = await read();
          const seenAt = performance.now();
          if (seen !== applied) lastChange = Date.now();
          applied = Math.min(seen, target);
          if (seen >= target) return seenAt;
          if (Date.now() - lastChange > STALL_MS) throw new Error(`no progress for ${STALL_MS / 1000} s at ${seen}/${target} events`);
          await new Promise((resolve) => setTimeout(resolve, everyMs));
        }
      };
      const reachedAt = await poll(maxSeq);
      // Usually the count agrees at once and the cheap figure's moment stands;
      // with gaps in seq, done is when the count gets there.
      return (await count()) >= target ? reachedAt : poll(count);
    },
    close: () => client.end(),
  };
}
