import { queueStats } from './service-process.ts';
import { waitFor } from './wait-for.ts';

/**
 * Waits until the event log holds at least `expected` events, no message is
 * ready in `queue`, and the count has not moved for `steadyMs`; returns the
 * count, so a test sees an excess as well as a shortfall. (A queue with no
 * ready message can still have up to a prefetch window in a consumer's
 * hands, and a loaded machine can take over a second per batch: an empty
 * queue and a still count alone do not mean done.)
 */
export async function waitUntilSettled(
  queue: string,
  countEvents: () => Promise<number>,
  expected: number,
  options: { steadyMs?: number; timeoutMs?: number; stillRunning?: () => void } = {},
): Promise<number> {
  const steadyMs = options.steadyMs ?? 1000;
  let last = -1;
  let steadySince = Date.now();
  return waitFor(
    `all ${expected} events applied and the queue empty`,
    async () => {
      options.stillRunning?.();
      const [count, { messages }] = await Promise.all([countEvents(), queueStats(queue)]);
      if (count !== last || messages > 0 || count < expected) {
        if (count !== last) steadySince = Date.now();
        last = count;
        if (messages > 0 || count < expected) throw new Error(`${count} applied, ${messages} ready`);
        return false;
      }
      return Date.now() - steadySince >= steadyMs ? count : false;
    },
    options.timeoutMs ?? 90_000,
    200,
  );
}
