import { randomUUID } from 'node:crypto';
import type { Store } from '../store/db.ts';
import { insertCommand } from './commands-table.ts';
import type { ItemResult, ItemVerdict, QueuedCommandType } from './command-types.ts';

/**
 * Stage one's write: the command and all its items are committed before the
 * answer goes out, so once a partner has its verdicts a crash loses nothing;
 * the background process picks the queued command up from the table.
 */
export async function acceptCommand(
  store: Store,
  workspaceId: string,
  command: { typeOfCommand: QueuedCommandType; verdicts: readonly ItemVerdict[] },
  receivedAt: Date = new Date(),
): Promise<{ commandId: string; results: ItemResult[] }> {
  const commandId = randomUUID();
  await store.transaction((tx) => insertCommand(tx, workspaceId, { commandId, receivedAt: receivedAt.toISOString(), ...command }));
  return { commandId, results: command.verdicts.map((v) => v.result) };
}
