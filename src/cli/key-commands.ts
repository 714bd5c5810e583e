import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { withStore } from './with-store.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../workspaces/api-keys.ts';
import { workspaceExists } from '../workspaces/workspaces.ts';

export function registerKeyCommands(program: Command, config: () => Config): void {
  const keys = program.command('keys').description('manage workspace API keys');
  keys
    .command('create')
    .description('create an API key; it is printed once')
    .option('--workspace <id>', 'workspace the key reads', 'default')
    .option('--name <name>', 'what the key is for', 'cli')
    .action(async (options: { workspace: string; name: string }) => {
      await withStore(config, async (store) => {
        if (!(await workspaceExists(store, options.workspace))) throw new Error(`no workspace "${options.workspace}" (see \`smartcom workspaces create\`)`);
        const created = await createApiKey(store, options.workspace, options.name);
        console.log(created.key);
        console.error(`API key ${created.id} for workspace ${created.workspaceId}; it is not shown again.`);
      });
    });
  keys
    .command('list')
    .option('--workspace <id>', 'only this workspace')
    .action(async (options: { workspace?: string }) => {
      await withStore(config, async (store) => {
        for (const k of await listApiKeys(store, options.workspace)) {
          console.log([k.id, k.workspaceId, k.name, `${k.prefix}…`, k.createdAt, k.revokedAt ? `revoked ${k.revokedAt}` : 'active'].join('\t'));
        }
      });
    });
  keys
    .command('revoke <id>')
    .action(async (id: string) => {
      await withStore(config, async (store) => {
        if (!(await revokeApiKey(store, id))) throw new Error(`no active key ${id}`);
        console.log(`revoked ${id}`);
      });
    });
}
