import type { Queryable } from '../store/db.ts';
import { upsertChannelSubscriptions } from './channel-subscriptions-table.ts';
import { runWrites } from './combined-writes.ts';
import { upsertCustomers } from './customers-table.ts';
import { insertGroupPoints, insertMentionedGroupMembers, insertMentionedGroups, upsertGroupMembers, upsertGroups } from './groups-table.ts';
import { insertMissingIdentifiers, upsertIdentifiers } from './identifiers-table.ts';
import { linkSharedIdentifiers, undoLinks } from './identity-links.ts';
import { clearErasedContributions, eraseCustomers, findErased, insertEventSubjects, scrubPayloads } from './pii-erasure.ts';
import { insertProfileFieldChanges, readFieldDocuments, upsertProfileFields } from './profile-fields-table.ts';
import { mentionedKeys, reduceDetails } from './reduce-details.ts';
import type { AppliedEvent } from './reduce-segment.ts';

/**
 * Projects a segment's profile details (after the core tables): erasures
 * first, so nothing of an erased customer is written, then fields,
 * identifiers, channel subscriptions and groups (in one statement), then
 * identity links over the identifiers as they now stand.
 */
export async function projectDetails(tx: Queryable, workspaceId: string, segment: readonly AppliedEvent[]): Promise<void> {
  if (segment.length === 0) return;
  const mentioned = mentionedKeys(segment);
  const erasedBefore = await findErased(tx, workspaceId, mentioned);
  const rows = reduceDetails(segment, erasedBefore);
  if (mentioned.length === 0 && rows.linkKeys.length === 0) return;

  await upsertCustomers(tx, workspaceId, rows.customers);
  await eraseCustomers(tx, workspaceId, rows.erasures);
  await scrubPayloads(tx, workspaceId, rows.scrubSeqs);
  const storedFields = await readFieldDocuments(tx, workspaceId, rows.fields);
  await runWrites(tx, workspaceId, [
    insertEventSubjects(rows.subjects),
    upsertIdentifiers(rows.identifiers),
    insertMissingIdentifiers(rows.mentionedIdentifiers),
    upsertProfileFields(rows.fields, storedFields),
    insertProfileFieldChanges(rows.fieldChanges),
    upsertChannelSubscriptions(rows.channelSubscriptions),
    upsertGroups(rows.groups),
    insertMentionedGroups(rows.mentionedGroups),
    upsertGroupMembers(rows.members),
    insertMentionedGroupMembers(rows.mentionedMembers),
    insertGroupPoints(rows.points),
    undoLinks(rows.linkUndos),
  ]);
  await clearErasedContributions(tx, workspaceId, [...erasedBefore, ...rows.erasures.map((r) => r.customer_key)]);
  const last = segment[segment.length - 1]!;
  await linkSharedIdentifiers(tx, workspaceId, rows.linkKeys, { at: last.event.receivedAt, seq: last.seq });
}
