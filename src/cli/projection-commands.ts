import type { Command } from 'commander';
import { listProjectionFailures, projectionStatus, requeueProjectionFailures } from '../apply/projection-queue-table.ts';
import type { Config } from '../config/config.ts';
import { withStore } from './with-store.ts';
import { positiveInt } from './positive-int.ts';

/** `smartcom projection …`: accepted webhook events on their way to the profiles. */
export function registerProjectionCommands(program: Command, config: () => Config): void {
  const projection = program.command('projection').description('accepted webhook events waiting to be projected onto the profiles, and those that failed');
  projection
    .command('status')
    .description('events waiting, and events that failed, per workspace')
    .action(async () => {
      await withStore(config, async (store) => {
        const status = await projectionStatus(store);
        if (status.length === 0) console.log('nothing waiting, nothing failed');
        for (const s of status) console.log(`${s.workspaceId}: ${s.waiting} waiting, ${s.failed} failed`);
      });
    });
  projection
    .command('failures')
    .description('events that could not be projected, with the reason (oldest first)')
    .option('--workspace <id>', 'only this workspace')
    .option('--limit <n>', 'at most this many', positiveInt, 100)
    .action(async (options: { workspace?: string; limit: number }) => {
      await withStore(config, async (store) => {
        const failures = await listProjectionFailures(store, options.workspace ?? null, options.limit);
        if (failures.length === 0) console.log('no projection failures');
        for (const f of failures) console.log(`${f.workspaceId} #${f.seq} ${f.eventCode} ${f.customerKey} at ${f.failedAt}: ${f.error}`);
      });
    });
  projection
    .command('retry')
    .description('put failed events back in the queue, once their cause is fixed (a running service projects them within 5 s)')
    .option('--workspace <id>', 'only this workspace')
    .action(async (options: { workspace?: string }) => {
      await withStore(config, async (store) => {
        const requeued = await requeueProjectionFailures(store, options.workspace ?? null);
        if (requeued.length === 0) console.log('no projection failures to retry');
        for (const r of requeued) console.log(`${r.workspaceId}: ${r.events} event(s) queued again`);
      });
    });
}
