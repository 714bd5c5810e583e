import { isoOrNull } from '../events/event-log.ts';
import type { Queryable } from '../store/db.ts';
import type { PlannedMessage } from './plan-batch.ts';

/** All SQL over `bonus_messages`: the information messages of seed section 4. */

export async function insertMessages(tx: Queryable, workspaceId: string, messages: readonly PlannedMessage[], at: string): Promise<void> {
  if (messages.length === 0) return;
  await tx.query(
    `INSERT INTO bonus_messages (workspace_id, guid, uniq_id, message, show_count, show_till, created_at, command_id, command_seq, item_no)
     SELECT $1, r.guid, r.uniq_id, r.message, r.show_count, r.show_till, $3, r.command_id, r.command_seq, r.item_no
       FROM json_to_recordset($2::json) AS r(guid text, uniq_id text, message text, show_count integer, show_till timestamptz,
            command_id uuid, command_seq bigint, item_no integer)`,
    [
      workspaceId,
      JSON.stringify(
        messages.map((m) => ({
          guid: m.guid,
          uniq_id: m.uniqId,
          message: m.message.text,
          show_count: m.message.showCount,
          show_till: m.message.showTill,
          command_id: m.commandId,
          command_seq: m.commandSeq,
          item_no: m.itemNo,
        })),
      ),
      at,
    ],
  );
}

export interface ShownMessage {
  guid: string;
  message: string;
  showCount: number;
  shownCount: number;
  showTill: string | null;
}

const STILL_TO_SHOW = 'workspace_id = $1 AND uniq_id = $2 AND shown_count < show_count AND (show_till IS NULL OR show_till > $3)';

/**
 * The messages an authorisation at `at` shows, each counted as shown once
 * more: those shown fewer than showCount times whose showTill has not passed.
 */
export async function showMessages(tx: Queryable, workspaceId: string, uniqId: string, at: string): Promise<ShownMessage[]> {
  const result = await tx.query<Record<string, unknown>>(
    `UPDATE bonus_messages SET shown_count = shown_count + 1, last_shown_at = $3
      WHERE ${STILL_TO_SHOW}
      RETURNING guid, message, show_count, shown_count, show_till, command_seq, item_no`,
    [workspaceId, uniqId, at],
  );
  // In the order they were sent (RETURNING has no order of its own).
  return result.rows
    .sort((a, b) => Number(a.command_seq) - Number(b.command_seq) || Number(a.item_no) - Number(b.item_no))
    .map((r) => ({
      guid: String(r.guid),
      message: String(r.message),
      showCount: Number(r.show_count),
      shownCount: Number(r.shown_count),
      showTill: isoOrNull(r.show_till),
    }));
}

export async function countMessagesToShow(db: Queryable, workspaceId: string, uniqId: string, at: string): Promise<number> {
  const result = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM bonus_messages WHERE ${STILL_TO_SHOW}`, [workspaceId, uniqId, at]);
  return Number(result.rows[0]?.n ?? 0);
}
