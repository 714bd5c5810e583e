import type { CustomerRow } from './reduce-segment.ts';

/**
 * The rows a segment's profile-detail events fold into (reduce-details.ts),
 * one interface per table they are written to.
 */

export interface IdentifierRow {
  customer_key: string;
  channel: string;
  kind: string;
  value: string;
  lookup_value: string;
  single: boolean;
  seen_at: string;
  event_seq: number;
}

export interface FieldRow {
  customer_key: string;
  field_type: string;
  name: string;
  value: string | null;
  changed_at: string;
  event_seq: number;
}

export interface FieldChangeRow {
  event_seq: number;
  field_type: string;
  name: string;
  customer_key: string;
  previous_value: string | null;
  current_value: string | null;
  changed_at: string;
}

export interface ChannelSubscriptionRow {
  customer_key: string;
  channel: string;
  source_account_id: string;
  priority: string;
  status: string | null;
  previous_status: string | null;
  source_name: string | null;
  ou_id: string | null;
  ou_code: string | null;
  changed_at: string;
  event_seq: number;
}

export interface GroupRow {
  source: string;
  group_id: string;
  name: string | null;
  primary_customer_key: string | null;
  created_at: string | null;
  changed_at: string;
  event_seq: number;
}

export interface GroupMemberRow {
  source: string;
  group_id: string;
  customer_key: string;
  role: string | null;
  status: 'active' | 'removed';
  changed_at: string;
  event_seq: number;
}

export interface GroupPointsRow {
  event_seq: number;
  source: string;
  group_id: string;
  contributor_key: string;
  points: number;
  loyalty_program_id: string | null;
  loyalty_program: unknown;
  activity: unknown;
  occurred_at: string;
}

export interface ErasureRow {
  customer_key: string;
  event_seq: number;
  erased_at: string;
}

export interface DetailRows {
  /** Customers an event mentions besides its addressee (group members): they exist as profiles too. */
  customers: CustomerRow[];
  identifiers: IdentifierRow[];
  /** Identifiers of customers an event only mentions (other group members): they fill gaps, never replace. */
  mentionedIdentifiers: IdentifierRow[];
  fields: FieldRow[];
  fieldChanges: FieldChangeRow[];
  channelSubscriptions: ChannelSubscriptionRow[];
  /** Groups defined by groupCreated / groupUpdated: the latest definition wins. */
  groups: GroupRow[];
  /** Groups other group events name: recorded when not known, their gaps filled. */
  mentionedGroups: GroupRow[];
  /** Members the event is about: the latest change wins. */
  members: GroupMemberRow[];
  /** Members an event only mentions: recorded when not known yet, never overriding. */
  mentionedMembers: GroupMemberRow[];
  points: GroupPointsRow[];
  subjects: Array<{ customer_key: string; event_seq: number }>;
  erasures: ErasureRow[];
  /** Events of this segment that mention a customer erased before it. */
  scrubSeqs: number[];
  linkUndos: Array<{ key_a: string; key_b: string; event_seq: number; undone_at: string }>;
  /** Profiles whose identifiers may have changed: candidates for identity links. */
  linkKeys: string[];
}
