import { isoOrNull } from '../events/event-log.ts';
import type { Queryable } from '../store/db.ts';
import type { BonusError, ItemResult, ItemVerdict, QueuedItem } from './command-types.ts';
import type { ClaimedItem, ItemOutcome } from './plan-batch.ts';

/** All SQL over `bonus_commands`: the durable queue of commands and their outcomes. */

/** Stage one's write: the whole command in one row (one statement, however many items). */
export async function insertCommand(
  tx: Queryable,
  workspaceId: string,
  command: { commandId: string; typeOfCommand: string; receivedAt: string; verdicts: readonly ItemVerdict[] },
): Promise<void> {
  const items: StoredItem[] = [];
  command.verdicts.forEach((v, itemNo) => {
    if (v.queued) items.push({ itemNo, ...v.queued });
  });
  await tx.query(
    `INSERT INTO bonus_commands (workspace_id, command_id, type_of_command, received_at, state, item_count, queued_count, items, results)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      workspaceId,
      command.commandId,
      command.typeOfCommand,
      command.receivedAt,
      items.length > 0 ? 'queued' : 'done',
      command.verdicts.length,
      items.length,
      JSON.stringify(items),
      JSON.stringify(command.verdicts.map((v) => v.result)),
    ],
  );
}

type StoredItem = { itemNo: number } & QueuedItem;

/**
 * The workspaces with queued commands, the one with the oldest first (so no
 * workspace waits behind another forever), among the oldest few commands.
 */
export async function workspacesWithQueuedCommands(db: Queryable): Promise<string[]> {
  const result = await db.query<{ workspace_id: string }>(
    `SELECT workspace_id FROM (SELECT workspace_id, seq FROM bonus_commands WHERE state = 'queued' ORDER BY seq LIMIT 100) AS oldest
      GROUP BY workspace_id ORDER BY min(seq)`,
  );
  return result.rows.map((r) => r.workspace_id);
}

/**
 * The oldest queued commands of a workspace, whole, up to `itemBudget` items
 * (at least one command), locked; commands another transaction holds are
 * skipped. Their items come back in order.
 */
export async function claimQueuedCommands(tx: Queryable, workspaceId: string, itemBudget: number): Promise<ClaimedItem[]> {
  const candidates = await tx.query<{ command_id: string; queued_count: number }>(
    `SELECT command_id, queued_count FROM bonus_commands
      WHERE workspace_id = $1 AND state = 'queued'
      ORDER BY seq LIMIT 100
      FOR UPDATE SKIP LOCKED`,
    [workspaceId],
  );
  const chosen: string[] = [];
  let items = 0;
  for (const c of candidates.rows) {
    if (chosen.length > 0 && items + c.queued_count > itemBudget) break;
    chosen.push(c.command_id);
    items += c.queued_count;
  }
  if (chosen.length === 0) return [];
  const result = await tx.query<{ command_id: string; seq: number; items: StoredItem[] | string }>(
    `SELECT command_id, seq, items FROM bonus_commands
      WHERE workspace_id = $1 AND command_id IN (SELECT json_array_elements_text($2::json)::uuid)
      ORDER BY seq`,
    [workspaceId, JSON.stringify(chosen)],
  );
  return result.rows.flatMap((r) => {
    const stored = (typeof r.items === 'string' ? JSON.parse(r.items) : r.items) as StoredItem[];
    return stored.map(({ itemNo, ...queued }) => ({ commandId: r.command_id, commandSeq: Number(r.seq), itemNo, queued: queued as QueuedItem }));
  });
}

/** Marks the commands done with the background's outcome of each of their queued items. */
export async function recordOutcomes(tx: Queryable, workspaceId: string, outcomes: readonly ItemOutcome[], at: string): Promise<void> {
  const byCommand = new Map<string, Array<Omit<ItemOutcome, 'commandId'>>>();
  for (const { commandId, ...outcome } of outcomes) byCommand.set(commandId, [...(byCommand.get(commandId) ?? []), outcome]);
  // A batch holds a few commands: one update each, by key.
  for (const [commandId, list] of byCommand) {
    await tx.query(`UPDATE bonus_commands SET state = 'done', outcomes = $3, processed_at = $4 WHERE workspace_id = $1 AND command_id = $2`, [
      workspaceId,
      commandId,
      JSON.stringify(list),
      at,
    ]);
  }
}

/** Gives up on a command that cannot be processed (after retries), so the commands behind it are not held up. */
export async function recordCommandFailure(db: Queryable, workspaceId: string, commandId: string, error: BonusError, at: string): Promise<void> {
  await db.query(
    `UPDATE bonus_commands
        SET state = 'done', processed_at = $4,
            outcomes = (SELECT json_agg(json_build_object('itemNo', (i ->> 'itemNo')::int, 'error', $3::json, 'customer', NULL))
                          FROM json_array_elements(items) AS i)
      WHERE workspace_id = $1 AND command_id = $2 AND state = 'queued'`,
    [workspaceId, commandId, JSON.stringify(error), at],
  );
}

export interface CommandOutcomeView {
  commandId: string;
  typeOfCommand: string;
  receivedAt: string;
  queued: number;
  results: Array<Omit<ItemResult, 'status'> & { itemNo: number; status: 'Queued' | 'Success' | 'Failure'; customer: string | null }>;
}

/** A command's items: stage one's verdict, replaced by the background's outcome for the items it has processed. */
export async function readCommandOutcome(db: Queryable, workspaceId: string, commandId: string): Promise<CommandOutcomeView | null> {
  const row = (
    await db.query<{ type_of_command: string; received_at: unknown; state: string; items: unknown; results: unknown; outcomes: unknown }>(
      `SELECT type_of_command, received_at, state, items, results, outcomes FROM bonus_commands WHERE workspace_id = $1 AND command_id = $2`,
      [workspaceId, commandId],
    )
  ).rows[0];
  if (!row) return null;
  const results = parsed<ItemResult[]>(row.results);
  const queuedNos = new Set(parsed<StoredItem[]>(row.items).map((i) => i.itemNo));
  const outcomes = new Map(parsed<Array<Omit<ItemOutcome, 'commandId'>> | null>(row.outcomes)?.map((o) => [o.itemNo, o]) ?? []);
  const view = results.map((result, itemNo) => {
    const outcome = outcomes.get(itemNo);
    if (outcome) return { itemNo, ...result, status: outcome.error ? ('Failure' as const) : ('Success' as const), error: outcome.error, customer: outcome.customer };
    if (queuedNos.has(itemNo)) return { itemNo, ...result, status: 'Queued' as const, customer: null };
    return { itemNo, ...result, customer: null };
  });
  return {
    commandId,
    typeOfCommand: row.type_of_command,
    receivedAt: isoOrNull(row.received_at) ?? '',
    queued: view.filter((r) => r.status === 'Queued').length,
    results: view,
  };
}

const parsed = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;
