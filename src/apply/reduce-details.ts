import type { CanonicalEvent, CustomerIdentifier, CustomerRef, GroupMember, ProfileChange } from '../events/canonical.ts';
import { lookupValueOf } from './identifier-lookup.ts';
import { customerRowOf, isLookupCode, type AppliedEvent, type CustomerRow } from './reduce-segment.ts';
import type { ChannelSubscriptionRow, DetailRows, ErasureRow, FieldChangeRow, FieldRow, GroupMemberRow, GroupPointsRow, GroupRow, IdentifierRow } from './detail-rows.ts';

/**
 * Folds the profile-detail events of a segment (fields, identifiers,
 * channel subscriptions, groups, erasures, link undos) into rows, like
 * reduceSegment does for the core kinds. Personal data of a customer erased
 * before or within the segment never reaches a row: what the segment said
 * about them before the erasure is dropped, what it says after is ignored,
 * and the events that mention them are listed for scrubbing.
 */

export const DETAIL_KINDS: ReadonlySet<ProfileChange['kind']> = new Set([
  'profileDetailsChanged',
  'channelSubscriptionsChanged',
  'groupChanged',
  'groupPointsContributed',
  'personalDataErased',
  'identityLinkUndone',
  // Free-form attributes (SQL events) may be personal: scrubbed with the profile's erasure.
  'customerEventRecorded',
]);

/** Core kinds that can give a profile a card number, phone or e-mail (identity-link candidates). */
const CORE_IDENTIFIER_KINDS: ReadonlySet<ProfileChange['kind']> = new Set([
  'cardLinked',
  'cardStateChanged',
  'cardBlockChanged',
  'cardDeleteChanged',
  'cardCategoryChanged',
]);

/** Every customer key the segment's detail events mention (for the erasure check). */
export function mentionedKeys(segment: readonly AppliedEvent[]): string[] {
  const keys = new Set<string>();
  for (const { event, targetKey } of segment) {
    if (!DETAIL_KINDS.has(event.change.kind)) continue;
    keys.add(targetKey);
    for (const member of membersOf(event)) keys.add(member.customer.key);
  }
  return [...keys];
}

export function reduceDetails(segment: readonly AppliedEvent[], erasedBefore: ReadonlySet<string>): DetailRows {
  const customers = new Map<string, CustomerRow>();
  const singles = new Map<string, IdentifierRow>();
  const multiples = new Map<string, IdentifierRow>();
  const mentioned = new Map<string, IdentifierRow>();
  // by customer, then field type, then name: an import brings a dozen fields per row, and a
  // key string built per field was most of this fold's time
  const fields = new Map<string, Map<string, Map<string, FieldRow>>>();
  const fieldChanges: FieldChangeRow[] = [];
  const subscriptions = new Map<string, ChannelSubscriptionRow>();
  const definedGroups = new Map<string, GroupRow>();
  const mentionedGroups = new Map<string, GroupRow>();
  const members = new Map<string, GroupMemberRow>();
  const mentionedMembers = new Map<string, GroupMemberRow>();
  const points: GroupPointsRow[] = [];
  const subjects: DetailRows['subjects'] = [];
  const erasures: ErasureRow[] = [];
  const erasedNow = new Set<string>();
  const scrubSeqs = new Set<number>();
  const linkUndos: DetailRows['linkUndos'] = [];
  const linkKeys = new Set<string>();
  const isErased = (key: string) => erasedBefore.has(key) || erasedNow.has(key);
  const newer = (a: { changed_at: string; event_seq: number }, b: { changed_at: string; event_seq: number } | undefined) =>
    !b || Date.parse(a.changed_at) > Date.parse(b.changed_at) || (a.changed_at === b.changed_at && a.event_seq >= b.event_seq);

  const addIdentifiers = (key: string, identifiers: readonly CustomerIdentifier[], at: string, seq: number, onlyMentioned = false) => {
    if (identifiers.length === 0) return;
    linkKeys.add(key);
    for (const id of identifiers) {
      const row: IdentifierRow = {
        customer_key: key,
        channel: id.channel,
        kind: id.kind,
        value: id.value,
        lookup_value: lookupValueOf(id.kind, id.value),
        single: id.single,
        seen_at: at,
        event_seq: seq,
      };
      if (onlyMentioned) {
        mentioned.set(slotOf(row), row);
      } else if (id.single) {
        const slot = `${key}\u0000${id.channel}\u0000${id.kind}`;
        const current = singles.get(slot);
        if (!current || Date.parse(at) > Date.parse(current.seen_at) || (at === current.seen_at && seq >= current.event_seq)) singles.set(slot, row);
      } else {
        multiples.set(`${key}\u0000${id.channel}\u0000${id.kind}\u0000${id.value}`, row);
      }
    }
  };

  for (const { event, seq, targetKey } of segment) {
    const change = event.change;
    if (DETAIL_KINDS.has(change.kind) && erasedBefore.has(targetKey)) scrubSeqs.add(seq);
    if (CORE_IDENTIFIER_KINDS.has(change.kind) || (change.kind === 'attributeChanged' && isLookupCode(change.code))) {
      linkKeys.add(targetKey);
    }
    const at = event.occurredAt ?? event.receivedAt;
    switch (change.kind) {
      case 'profileDetailsChanged': {
        if (isErased(targetKey)) break;
        let own = fields.get(targetKey);
        if (!own) fields.set(targetKey, (own = new Map()));
        for (const f of change.fields) {
          let ofType = own.get(f.type);
          if (!ofType) own.set(f.type, (ofType = new Map()));
          const row: FieldRow = { customer_key: targetKey, field_type: f.type, name: f.name, value: f.value, changed_at: at, event_seq: seq };
          if (newer(row, ofType.get(f.name))) ofType.set(f.name, row);
        }
        for (const c of change.fieldChanges) {
          fieldChanges.push({
            event_seq: seq,
            field_type: c.type,
            name: c.name,
            customer_key: targetKey,
            previous_value: c.previousValue,
            current_value: c.currentValue,
            changed_at: at,
          });
        }
        addIdentifiers(targetKey, change.identifiers, at, seq);
        break;
      }
      case 'channelSubscriptionsChanged': {
        if (isErased(targetKey)) break;
        for (const s of change.subscriptions) {
          const row: ChannelSubscriptionRow = {
            customer_key: targetKey,
            channel: s.channel,
            source_account_id: s.sourceAccountId ?? '',
            priority: s.priority ?? '',
            status: s.status,
            previous_status: s.previousStatus,
            source_name: s.sourceName,
            ou_id: s.ouId,
            ou_code: s.ouCode,
            changed_at: at,
            event_seq: seq,
          };
          const key = [targetKey, row.channel, row.source_account_id, row.priority].join('\u0000');
          if (newer(row, subscriptions.get(key))) subscriptions.set(key, row);
        }
        addIdentifiers(targetKey, change.identifiers, at, seq);
        break;
      }
      case 'groupChanged':
      case 'groupPointsContributed': {
        const groupKey = `${event.source}\u0000${change.group.groupId}`;
        const primary = change.members.find((m) => m.position === 'primary' || m.alsoPrimary);
        const defining = change.kind === 'groupChanged' && (change.action === 'created' || change.action === 'updated');
        const group: GroupRow = {
          source: event.source,
          group_id: change.group.groupId,
          name: change.group.name,
          primary_customer_key: primary?.customer.key ?? null,
          created_at: change.kind === 'groupChanged' && change.action === 'created' ? at : null,
          changed_at: at,
          event_seq: seq,
        };
        // groupCreated / groupUpdated define a group (the latest wins); the
        // other group events only fill in what is not known yet.
        const known = definedGroups.get(groupKey);
        if (defining && (!known || newer(group, known))) {
          const filler = known ?? mentionedGroups.get(groupKey);
          definedGroups.set(groupKey, {
            ...group,
            name: group.name ?? filler?.name ?? null,
            primary_customer_key: group.primary_customer_key ?? filler?.primary_customer_key ?? null,
            created_at: known?.created_at ?? group.created_at,
          });
        } else if (known) {
          known.name ??= group.name;
          known.primary_customer_key ??= group.primary_customer_key;
          known.created_at ??= group.created_at;
        } else {
          const mentionedGroup = mentionedGroups.get(groupKey);
          if (!mentionedGroup) mentionedGroups.set(groupKey, group);
          else {
            mentionedGroup.name ??= group.name;
            mentionedGroup.primary_customer_key ??= group.primary_customer_key;
          }
        }
        for (const member of change.members) {
          const key = member.customer.key;
          if (key !== event.customer.key) {
            subjects.push({ customer_key: key, event_seq: seq });
            touch(customers, member.customer, event.receivedAt);
          }
          // A group event's identifiers only fill gaps, its addressee's too: the members' own events say who they are.
          if (isErased(key)) scrubSeqs.add(seq);
          else addIdentifiers(key, member.identifiers, at, seq, true);
          // The event is about its addressee (and, for a group definition, its
          // primary member); anyone else is only mentioned.
          const about = member.position !== 'contributor' && (key === event.customer.key || (defining && member.position === 'primary'));
          const row: GroupMemberRow = {
            source: event.source,
            group_id: change.group.groupId,
            customer_key: key,
            role: member.role,
            status: member.position === 'removed' ? 'removed' : 'active',
            changed_at: at,
            event_seq: seq,
          };
          const memberKey = `${groupKey}\u0000${key}`;
          if (about) {
            if (newer(row, members.get(memberKey))) members.set(memberKey, row);
          } else if (!mentionedMembers.has(memberKey)) {
            mentionedMembers.set(memberKey, row);
          }
        }
        if (change.kind === 'groupPointsContributed') {
          const contributor = change.members.find((m) => m.position === 'contributor') ?? change.members[change.members.length - 1]!;
          points.push({
            event_seq: seq,
            source: event.source,
            group_id: change.group.groupId,
            contributor_key: contributor.customer.key,
            points: change.points,
            loyalty_program_id: change.loyaltyProgramId,
            loyalty_program: change.loyaltyProgram,
            activity: change.activity,
            occurred_at: at,
          });
        }
        break;
      }
      case 'personalDataErased':
        if (!erasedNow.has(targetKey)) erasures.push({ customer_key: targetKey, event_seq: seq, erased_at: event.receivedAt });
        erasedNow.add(targetKey);
        break;
      case 'identityLinkUndone': {
        const [a, b] = [targetKey, change.otherKey].sort();
        linkUndos.push({ key_a: a!, key_b: b!, event_seq: seq, undone_at: event.receivedAt });
        break;
      }
      default:
        break;
    }
  }

  // What the segment said about a customer before erasing them goes nowhere,
  // and its events that name them lose their payload (those addressed to
  // them are found by the erasure itself).
  for (const subject of subjects) if (erasedNow.has(subject.customer_key)) scrubSeqs.add(subject.event_seq);
  const kept = <T extends { customer_key: string }>(rows: Iterable<T>) => [...rows].filter((r) => !erasedNow.has(r.customer_key));
  const identifiers = kept([...singles.values(), ...multiples.values()]);
  const known = new Set(identifiers.map(slotOf));
  return {
    customers: [...customers.values()],
    identifiers,
    mentionedIdentifiers: kept(mentioned.values()).filter((r) => !known.has(slotOf(r))),
    fields: fieldRowsOf(fields, erasedNow),
    fieldChanges: kept(fieldChanges),
    channelSubscriptions: kept(subscriptions.values()),
    groups: [...definedGroups.values()],
    mentionedGroups: [...mentionedGroups.entries()].filter(([key]) => !definedGroups.has(key)).map(([, row]) => row),
    members: [...members.values()],
    mentionedMembers: [...mentionedMembers.entries()].filter(([key]) => !members.has(key)).map(([, row]) => row),
    points,
    subjects,
    erasures,
    scrubSeqs: [...scrubSeqs],
    linkUndos,
    linkKeys: [...linkKeys].filter((key) => !isErased(key)),
  };
}

function fieldRowsOf(fields: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, FieldRow>>>, erased: ReadonlySet<string>): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const [key, own] of fields) {
    if (erased.has(key)) continue;
    for (const ofType of own.values()) for (const row of ofType.values()) rows.push(row);
  }
  return rows;
}

/** The row's place in customer_identifiers: singles share the slot of their kind and channel. */
const slotOf = (r: IdentifierRow) => [r.customer_key, r.channel, r.kind, r.single ? '' : r.value].join('\u0000');

function membersOf(event: CanonicalEvent): readonly GroupMember[] {
  const change = event.change;
  return change.kind === 'groupChanged' || change.kind === 'groupPointsContributed' ? change.members : [];
}

function touch(customers: Map<string, CustomerRow>, ref: CustomerRef, seenAt: string): void {
  customers.set(ref.key, customerRowOf(ref, seenAt));
}
