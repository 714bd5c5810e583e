import type { Queryable, Session, Store } from '../store/db.ts';
import { applyEventsInTransaction } from '../apply/apply-batch.ts';
import { bonusAccountEvents } from './bonus-account-events.ts';
import { insertCustomers, readCustomers, updateCustomers } from './bonus-customers-table.ts';
import { findAppliedGuids, insertAppliedGuids } from './applied-guids-table.ts';
import { claimQueuedCommands, recordOutcomes, workspacesWithQueuedCommands } from './commands-table.ts';
import { insertOperations } from './ledger-table.ts';
import { insertMessages } from './messages-table.ts';
import { planBatch, type BatchPlan, type ClaimedItem, type CustomerState } from './plan-batch.ts';

/**
 * Stage two, one batch: claim the oldest queued commands of a workspace (whole,
 * up to batchSize items), read the customers they name, apply the rules
 * (plan-batch.ts) and write customers, ledger operations, messages, applied
 * guids and the items' outcomes in one transaction. A crash anywhere before
 * the commit leaves the commands queued, to be done again from scratch; after
 * it, they are done and will not be claimed again.
 */

// Any int4 constant; the second key is the workspace's hash (a collision only serialises two workspaces).
const WORKSPACE_LOCK_CLASS = 726_311_805;

export interface BatchResult {
  workspaceId: string | null;
  /** Items processed (0: nothing queued, or other workers have the workspaces with queued commands). */
  processed: number;
  accruals: number;
}

/** A claimed batch failed: names the command at its head, the one to give up when it keeps failing alone. */
export class BonusBatchError extends Error {
  constructor(
    readonly workspaceId: string,
    readonly commandId: string,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

export async function processNextBatch(store: Store, batchSize: number, now: () => Date = () => new Date()): Promise<BatchResult> {
  const workspaces = await workspacesWithQueuedCommands(store);
  if (workspaces.length === 0) return { workspaceId: null, processed: 0, accruals: 0 };
  return store.transaction(async (tx) => {
    const workspaceId = await lockFirstFreeWorkspace(tx, workspaces);
    if (workspaceId === null) return { workspaceId, processed: 0, accruals: 0 };
    const items = await claimQueuedCommands(tx, workspaceId, batchSize);
    if (items.length === 0) return { workspaceId, processed: 0, accruals: 0 };
    const at = now().toISOString();
    try {
      const plan = await planClaimedItems(tx, workspaceId, items, at);
      await writePlan(tx, workspaceId, plan, at);
      return { workspaceId, processed: items.length, accruals: plan.accruals.length };
    } catch (error) {
      throw new BonusBatchError(workspaceId, items[0]!.commandId, error);
    }
  });
}

/**
 * One batch at a time per workspace: the rules compare each item with every
 * customer's phone and e-mail, and items must apply in the order they were
 * sent. Two workers claiming side by side (SKIP LOCKED alone) could each miss
 * the other's new phone, or apply a later block before an earlier accrual. A
 * worker that finds a workspace taken moves on to the next; the lock goes with
 * the transaction.
 */
async function lockFirstFreeWorkspace(tx: Queryable, workspaces: readonly string[]): Promise<string | null> {
  for (const workspaceId of workspaces) {
    const lock = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1::int, hashtext($2)) AS locked', [WORKSPACE_LOCK_CLASS, workspaceId]);
    if (lock.rows[0]?.locked) return workspaceId;
  }
  return null;
}

/**
 * The tables this process fills grow by thousands of rows a second, faster
 * than autovacuum's ANALYZE follows; with statistics that still say "empty",
 * the planner joins a batch's 2,000 keys against a full scan of the customers
 * instead of probing the index, and every batch gets slower than the last.
 * PostgreSQL's advice after bulk loads applies: the worker analyzes after
 * every so many items. (Cheap: a sample, not a scan.)
 */
export async function refreshStatistics(store: Store): Promise<void> {
  // Only the customers are joined against a batch's list by the planner (updateCustomers); the other tables are probed or appended to.
  await store.query('ANALYZE bonus_customers');
}

async function planClaimedItems(tx: Queryable, workspaceId: string, items: readonly ClaimedItem[], at: string): Promise<BatchPlan> {
  const guids = items.flatMap(({ queued }) => (queued.kind === 'add' ? [queued.item.guid] : []));
  const appliedGuids = await findAppliedGuids(tx, workspaceId, guids);
  const customers = await readCustomersOf(tx, workspaceId, items);
  return planBatch(items, { customers, appliedGuids }, at);
}

/**
 * Every customer the batch's rules can ask about (plan-batch.ts's snapshot),
 * in as few index probes as possible: the named uniqIds; then the phones no
 * customer found so far has (a phone has one owner); then the e-mails whose
 * owners matter: those of new uniqIds (FAQ 7) and of block/activate items.
 */
async function readCustomersOf(tx: Queryable, workspaceId: string, items: readonly ClaimedItem[]): Promise<CustomerState[]> {
  const byUniqId = await readCustomers(tx, workspaceId, 'uniq_id', items.flatMap(({ queued }) => (queued.item.uniqId ? [queued.item.uniqId] : [])));
  const known = new Set(byUniqId.map((c) => c.uniqId));
  const knownPhones = new Set(byUniqId.map((c) => c.phone));
  const phones = items.flatMap(({ queued }) => (queued.item.phone && !knownPhones.has(queued.item.phone) ? [queued.item.phone] : []));
  const emails = items.flatMap(({ queued }) => {
    const { uniqId, email } = queued.item;
    const needed = queued.kind === 'add' ? !known.has(uniqId!) : uniqId === null && queued.item.phone === null;
    return email && needed ? [email] : [];
  });
  const [byPhone, byEmail] = [await readCustomers(tx, workspaceId, 'phone', phones), await readCustomers(tx, workspaceId, 'email_lookup', emails)];
  const all = new Map<string, CustomerState>();
  for (const c of [...byUniqId, ...byPhone, ...byEmail]) all.set(c.uniqId, c);
  return [...all.values()];
}

async function writePlan(tx: Session, workspaceId: string, plan: BatchPlan, at: string): Promise<void> {
  // Operations and the balances they move, together (plan.created / plan.updated carry the sums).
  await insertCustomers(tx, workspaceId, plan.created, at);
  await updateCustomers(tx, workspaceId, plan.updated, at);
  await insertOperations(tx, workspaceId, plan.accruals, at);
  await insertMessages(tx, workspaceId, plan.messages, at);
  await insertAppliedGuids(tx, workspaceId, plan.appliedGuids);
  // The profile follows the account's creation and changes of identity or
  // status, through the one apply pipeline; the ledger has the accruals.
  const changed = [...plan.created, ...plan.updated.filter((c) => c.stateChanged)];
  await applyEventsInTransaction(tx, workspaceId, bonusAccountEvents(workspaceId, changed, at));
  await recordOutcomes(tx, workspaceId, plan.outcomes, at);
}
