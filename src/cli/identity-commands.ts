import type { Command } from 'commander';
import { applyEvents } from '../apply/apply-batch.ts';
import { relinkWorkspace } from '../apply/identity-links.ts';
import type { Config } from '../config/config.ts';
import { LINKABLE_KINDS } from '../events/identifier-kinds.ts';
import { identityLinkUndoneEvent } from '../ingest/operator/identity-link-undone.ts';
import { hasActiveLink } from '../profiles/read-profile-details.ts';
import { withStore } from './with-store.ts';
import { isLinkableKind, readLinkRule, setLinkRule } from '../workspaces/identity-link-rules.ts';
import { workspaceExists } from '../workspaces/workspaces.ts';

/** `smartcom identity …`: the rule that links profiles of different sources, and undoing links. */
export function registerIdentityCommands(program: Command, config: () => Config): void {
  const identity = program.command('identity').description('identity links between profiles of different sources');
  identity
    .command('rule')
    .description(`show the link rule, or set it with --link (kinds: ${LINKABLE_KINDS.join(', ')}; "none" links nothing)`)
    .requiredOption('--workspace <id>')
    .option('--link <kinds>', 'comma-separated identifier kinds that link profiles, e.g. card,externalId,phone')
    .action(async (options: { workspace: string; link?: string }) => {
      await withStore(config, async (store) => {
        if (!(await workspaceExists(store, options.workspace))) throw new Error(`no workspace "${options.workspace}"`);
        if (options.link !== undefined) {
          const kinds = options.link === 'none' ? [] : options.link.split(',').map((k) => k.trim()).filter(Boolean);
          const unknown = kinds.filter((k) => !isLinkableKind(k));
          if (unknown.length > 0) throw new Error(`unknown kind(s) ${unknown.join(', ')}; use ${LINKABLE_KINDS.join(', ')}`);
          await setLinkRule(store, options.workspace, kinds.filter(isLinkableKind));
          const links = await relinkWorkspace(store, options.workspace);
          console.error(`relinked workspace ${options.workspace}: ${links} active link(s)`);
        }
        const rule = await readLinkRule(store, options.workspace);
        console.log(`${rule.kinds.join(',') || 'none'}${rule.isDefault ? ' (default)' : ''}`);
      });
    });
  identity
    .command('unlink <customerId> <otherCustomerId>')
    .description('undo the link between two profiles (ids as source:customerId); the rule never re-creates it')
    .requiredOption('--workspace <id>')
    .action(async (customerId: string, otherId: string, options: { workspace: string }) => {
      await withStore(config, async (store) => {
        if (!(await hasActiveLink(store, options.workspace, customerId, otherId))) throw new Error(`${customerId} is not linked to ${otherId}`);
        await applyEvents(store, options.workspace, [identityLinkUndoneEvent(options.workspace, customerId, otherId, new Date().toISOString())]);
        console.log(`unlinked ${customerId} and ${otherId}`);
      });
    });
}
