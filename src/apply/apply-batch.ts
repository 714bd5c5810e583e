import { isRecordChange, type CanonicalEvent } from '../events/canonical.ts';
import { hashBody } from '../events/identity.ts';
import { lockWorkspaceForApply } from './workspace-lock.ts';
import { appendEvents, isAlreadyLogged, type AppendOptions } from '../events/event-log.ts';
import { findPendingAcks, passPendingAcks, recordPendingAcks, removePendingAcks } from '../events/pending-acks.ts';
import type { Queryable, Session, Store } from '../store/db.ts';
import { applyMerges } from './apply-merges.ts';
import type { MergeEvent } from './merge-pairs.ts';
import { upsertAttributes, insertAttributeChanges } from './attributes-table.ts';
import { insertCardChanges, upsertCards } from './cards-table.ts';
import { findMergeTargets, upsertCustomers } from './customers-table.ts';
import { projectBalancesAndCodes } from './project-balances-and-codes.ts';
import { projectDetails } from './project-details.ts';
import { projectRecords } from './project-records.ts';
import { upsertPurchases, upsertRefunds } from './receipts-table.ts';
import { reduceSegment, type AppliedEvent } from './reduce-segment.ts';
import { upsertSubscriptions } from './subscriptions-table.ts';

export interface ApplyOutcome {
  applied: number;
  duplicates: number;
  /** Identity-less events remembered under the delivery batch id (see ApplyOptions). */
  pendingAcks?: number;
}

/**
 * The one writer. Appends a batch of canonical events to the log and
 * projects the new ones onto the profile store, all in one transaction:
 * either the whole batch is in the log and the profiles, or none of it.
 */
export interface ApplyOptions {
  /**
   * Set by a broker consumer: the batch's deliveries are acked after commit,
   * so identity-less events are remembered under this id until the ack is
   * known to have arrived (see pending-acks.ts).
   */
  deliveryBatchId?: string;
}

export async function applyEvents(store: Store, workspaceId: string, events: readonly CanonicalEvent[], options: ApplyOptions = {}): Promise<ApplyOutcome> {
  if (events.length === 0) return { applied: 0, duplicates: 0 };
  // A batch with no redelivered message almost never holds an event the log
  // has: it is written without asking the log first, and applied again the
  // careful way in the rare case the log's unique index says otherwise (a
  // producer's retry, a purchase sent twice).
  const assumeNew = !events.some((e) => e.redelivered);
  try {
    return await store.transaction((tx) => applyEventsInTransaction(tx, workspaceId, events, { ...options, assumeNew }));
  } catch (error) {
    if (!assumeNew || !isAlreadyLogged(error)) throw error;
    return store.transaction((tx) => applyEventsInTransaction(tx, workspaceId, events, options));
  }
}


export async function applyEventsInTransaction(
  tx: Session,
  workspaceId: string,
  events: readonly CanonicalEvent[],
  options: ApplyOptions & AppendOptions = {},
): Promise<ApplyOutcome> {
  await lockWorkspaceForApply(tx, workspaceId);
  const { kept: fresh, recognised } = await dropRedeliveredCopies(tx, workspaceId, events, options.deliveryBatchId);
  const seqById = await appendEvents(tx, workspaceId, fresh, { assumeNew: options.assumeNew ?? false });
  const appended = fresh.filter((e) => seqById.has(e.eventId));
  let pendingAcks = recognised;
  if (options.deliveryBatchId) {
    const withoutIdentity = appended.filter((e) => e.identityBasis === 'none');
    pendingAcks += withoutIdentity.length;
    await recordPendingAcks(
      tx,
      workspaceId,
      options.deliveryBatchId,
      withoutIdentity.map((e) => ({ eventSeq: seqById.get(e.eventId)!, streamKey: e.streamKey, bodyHash: bodyHashOf(e) })),
    );
  }

  await projectAppended(tx, workspaceId, appended.map((event) => ({ event, seq: seqById.get(event.eventId)! })));
  return { applied: appended.length, duplicates: events.length - appended.length, pendingAcks };
}

/**
 * Projects events already in the log (with their sequence numbers) onto the
 * profile store, in log order: what applyEvents does after appending, and
 * what the background projection does with accepted events. Runs under the
 * workspace's apply lock, which the caller holds.
 */
export async function projectAppended(tx: Queryable, workspaceId: string, logged: ReadonlyArray<{ event: CanonicalEvent; seq: number }>): Promise<void> {
  const seqOf = new Map(logged.map(({ event, seq }) => [event, seq]));
  // Records of no profile (catalogue, receipt lines) take their own path.
  await projectRecords(tx, workspaceId, logged.filter(({ event }) => isRecordChange(event.change)));
  const profileEvents = logged.filter(({ event }) => !isRecordChange(event.change)).map(({ event }) => event);

  const keys = new Set<string>();
  for (const e of profileEvents) {
    keys.add(e.customer.key);
    if (e.change.kind === 'profilesMerged') keys.add(e.change.into.key);
  }
  const resolve = await findMergeTargets(tx, workspaceId, [...keys]);

  // Merges first, then every other event of the batch on the profile it ends
  // up on. This is what applying them one by one gives, because a merge moves
  // everything of the merged profile (later change winning where both have
  // one) and the projections compare times and sequence numbers the same way;
  // it keeps the batch to one statement per table however many merges it holds.
  const merges = profileEvents.filter((e): e is MergeEvent => e.change.kind === 'profilesMerged').map((event) => ({ event, seq: seqOf.get(event)! }));
  await applyMerges(tx, workspaceId, merges, resolve);
  // Merges stay in the segment for the profiles' identity fields only (the
  // target's uid, code ... in the merge message), so that these are taken in
  // the batch's order like every other event's, the later one winning.
  const projected: AppliedEvent[] = profileEvents.map((event) => ({ event, seq: seqOf.get(event)!, targetKey: resolve.get(event.customer.key) ?? event.customer.key }));
  await projectSegment(tx, workspaceId, projected);
}

async function projectSegment(tx: Queryable, workspaceId: string, withMerges: readonly AppliedEvent[]): Promise<void> {
  if (withMerges.length === 0) return;
  const rows = reduceSegment(withMerges);
  const segment = withMerges.filter((a) => a.event.change.kind !== 'profilesMerged');
  // Independent writes to different tables: each is handed to the connection
  // as soon as its rows are serialised, so the store works on one while the
  // next is being prepared (the connection runs them in this order).
  await Promise.all([
    upsertCustomers(tx, workspaceId, rows.customers),
    upsertCards(tx, workspaceId, rows.cards),
    insertCardChanges(tx, workspaceId, rows.cardChanges),
    upsertAttributes(tx, workspaceId, rows.attributes),
    insertAttributeChanges(tx, workspaceId, rows.attributeChanges),
    upsertSubscriptions(tx, workspaceId, rows.subscriptions),
    upsertPurchases(tx, workspaceId, rows.purchases),
    upsertRefunds(tx, workspaceId, rows.refunds),
  ]);
  if (segment.length === 0) return;
  await projectDetails(tx, workspaceId, segment);
  await projectBalancesAndCodes(tx, workspaceId, segment);
}

/**
 * Drops what is certainly a second copy before it reaches the log:
 * - the same event id twice in one batch (ids of events with an identity are
 *   deterministic; the log's unique index catches copies across batches);
 * - a redelivered event without identity that matches an event applied from
 *   a delivery whose ack may have been lost. Each such record is used up by
 *   one copy, so block, unblock, block applied in one batch and redelivered
 *   as a whole is recognised three times, while a new identical block (not
 *   redelivered) is always applied.
 * A used-up record passes to the copy's own delivery (deliveryBatchId): the
 * copy's ack can be lost too, and its next redelivery must still be
 * recognised; it goes once that ack has landed. `recognised` counts them.
 */
async function dropRedeliveredCopies(
  tx: Queryable,
  workspaceId: string,
  events: readonly CanonicalEvent[],
  deliveryBatchId: string | undefined,
): Promise<{ kept: CanonicalEvent[]; recognised: number }> {
  const suspects = events.filter((e) => e.identityBasis === 'none' && e.redelivered);
  const pending = await findPendingAcks(tx, workspaceId, [...new Set(suspects.map((e) => e.streamKey))]);
  const unmatched = new Map<string, number[]>();
  for (const p of pending) {
    const key = `${p.streamKey}\u0000${p.bodyHash}`;
    unmatched.set(key, [...(unmatched.get(key) ?? []), p.eventSeq]);
  }
  const usedUp: number[] = [];
  const seenIds = new Set<string>();
  const kept: CanonicalEvent[] = [];
  for (const event of events) {
    if (seenIds.has(event.eventId)) continue;
    if (event.identityBasis === 'none' && event.redelivered) {
      const seqs = unmatched.get(`${event.streamKey}\u0000${bodyHashOf(event)}`);
      const seq = seqs?.shift();
      if (seq !== undefined) {
        usedUp.push(seq);
        continue;
      }
    }
    seenIds.add(event.eventId);
    kept.push(event);
  }
  if (deliveryBatchId) await passPendingAcks(tx, workspaceId, usedUp, deliveryBatchId);
  else await removePendingAcks(tx, workspaceId, usedUp);
  return { kept, recognised: deliveryBatchId ? usedUp.length : 0 };
}

// Sources set the hash on every event without identity; one that would not is still told apart by its payload.
const bodyHashOf = (event: CanonicalEvent): string => event.bodyHash ?? hashBody(event.payloadJson ?? JSON.stringify(event.payload));
