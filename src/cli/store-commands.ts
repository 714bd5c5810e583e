import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { openStore } from '../store/open-store.ts';
import { withStore } from './with-store.ts';
import { createWorkspace, listWorkspaces } from '../workspaces/workspaces.ts';

export function registerStoreCommands(program: Command, config: () => Config): void {
  program
    .command('migrate')
    .description('bring the store schema up to date (the service also does this on start)')
    .action(async () => {
      const c = config();
      const store = await openStore(c);
      await store.close();
      console.log('schema is up to date');
    });

  const workspaces = program.command('workspaces').description('manage workspaces (one per retailer)');
  workspaces
    .command('create <id>')
    .option('--name <name>', 'display name')
    .action(async (id: string, options: { name?: string }) => {
      await withStore(config, async (store) => {
        const ws = await createWorkspace(store, id, options.name);
        console.log(ws.created ? `workspace ${ws.id} created` : `workspace ${ws.id} already exists; nothing changed`);
      });
    });
  workspaces.command('list').action(async () => {
    await withStore(config, async (store) => {
      for (const ws of await listWorkspaces(store)) console.log(`${ws.id}\t${ws.name}`);
    });
  });
}
