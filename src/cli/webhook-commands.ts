import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { CAPILLARY_SOURCE } from '../ingest/capillary/identifiers.ts';
import { withStore } from './with-store.ts';
import { workspaceExists } from '../workspaces/workspaces.ts';
import {
  generateWebhookSecret,
  isWebhookAuthMode,
  listWebhookSecrets,
  removeWebhookSecret,
  setWebhookSecret,
  WEBHOOK_AUTH_MODES,
} from '../workspaces/webhook-secrets.ts';

/** `smartcom webhooks …`: the per-workspace secrets webhook senders authenticate with. */
export function registerWebhookCommands(program: Command, config: () => Config): void {
  const webhooks = program.command('webhooks').description('webhook endpoints (Capillary event notifications)');
  const secret = webhooks.command('secret').description("a workspace's webhook secret");
  secret
    .command('set')
    .description('create or replace the secret; it is printed once')
    .requiredOption('--workspace <id>', 'the workspace the webhook feeds')
    .option('--source <name>', 'the sender', CAPILLARY_SOURCE)
    .option('--auth <mode>', `what a request must carry: ${WEBHOOK_AUTH_MODES.join(' | ')}`, 'signature')
    .option('--secret <value>', 'use this secret instead of a generated one (at least 16 characters)')
    .action(async (options: { workspace: string; source: string; auth: string; secret?: string }) => {
      if (!isWebhookAuthMode(options.auth)) throw new Error(`--auth must be one of ${WEBHOOK_AUTH_MODES.join(', ')}`);
      if (options.secret !== undefined && options.secret.length < 16) throw new Error('--secret must be at least 16 characters');
      const mode = options.auth; // narrowed: the closure below would see the option's wider type
      await withStore(config, async (store) => {
        if (!(await workspaceExists(store, options.workspace))) throw new Error(`no workspace "${options.workspace}" (see \`smartcom workspaces create\`)`);
        const value = options.secret ?? generateWebhookSecret();
        await setWebhookSecret(store, options.workspace, options.source, { secret: value, mode });
        console.log(value);
        console.error(
          `webhook secret for ${options.source} in workspace ${options.workspace} (auth: ${options.auth}); it is not shown again. ` +
            `Endpoint: POST /v1/webhooks/${options.source}/${options.workspace}. The service picks it up within 5 s.`,
        );
      });
    });
  secret
    .command('remove')
    .requiredOption('--workspace <id>')
    .option('--source <name>', 'the sender', CAPILLARY_SOURCE)
    .action(async (options: { workspace: string; source: string }) => {
      await withStore(config, async (store) => {
        if (!(await removeWebhookSecret(store, options.workspace, options.source))) throw new Error(`no ${options.source} webhook secret in workspace ${options.workspace}`);
        console.log(`removed; the endpoint refuses every request for ${options.workspace} within 5 s`);
      });
    });
  webhooks
    .command('list')
    .description('workspaces with a webhook secret, and their auth mode (never the secret)')
    .action(async () => {
      await withStore(config, async (store) => {
        for (const s of await listWebhookSecrets(store)) console.log([s.workspaceId, s.source, s.mode, s.createdAt].join('\t'));
      });
    });
}
