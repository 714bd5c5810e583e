import type { Queryable } from '../store/db.ts';
import { isoOrNull } from '../events/event-log.ts';
import type { ChannelSubscription, ProfileFieldType } from '../events/canonical.ts';

/**
 * The parts of a profile fed by sources with free-form profiles (Capillary):
 * fields by type, every identifier per channel, per-channel subscriptions,
 * groups with their points, identity links to profiles of other sources,
 * and whether the personal data was erased. Empty for other profiles.
 */

export interface FieldView {
  value: string | null;
  changedAt: string | null;
  history: Array<{ previousValue: string | null; currentValue: string | null; changedAt: string | null }>;
}

export interface IdentifierView {
  channel: string;
  kind: string;
  value: string;
  seenAt: string | null;
}

export interface ChannelSubscriptionView extends ChannelSubscription {
  changedAt: string | null;
}

export interface GroupMembershipView {
  groupId: string;
  source: string;
  name: string | null;
  role: string | null;
  status: string;
  primary: boolean;
  primaryMember: string | null;
  changedAt: string | null;
  points: { total: number; contributedByMember: number };
  recentContributions: Array<{ contributor: string; points: number; loyaltyProgramId: string | null; occurredAt: string | null }>;
}

export interface LinkView {
  customerId: string;
  kind: string | null;
  value: string | null;
  linkedAt: string | null;
}

export interface ProfileDetails {
  fields: Record<ProfileFieldType, Record<string, FieldView>>;
  identifiers: IdentifierView[];
  channelSubscriptions: ChannelSubscriptionView[];
  groups: GroupMembershipView[];
  links: LinkView[];
  erased: { at: string | null } | null;
}

const RECENT_CONTRIBUTIONS = 10;

export async function readProfileDetails(db: Queryable, workspaceId: string, key: string): Promise<ProfileDetails> {
  const [fields, identifiers, channelSubscriptions, groups, links, erased] = await Promise.all([
    readFields(db, workspaceId, key),
    readIdentifiers(db, workspaceId, key),
    readChannelSubscriptions(db, workspaceId, key),
    readGroups(db, workspaceId, key),
    readLinks(db, workspaceId, key),
    db.query<{ erased_at: unknown }>('SELECT erased_at FROM erased_customers WHERE workspace_id = $1 AND customer_key = $2', [workspaceId, key]),
  ]);
  const tombstone = erased.rows[0];
  return { fields, identifiers, channelSubscriptions, groups, links, erased: tombstone ? { at: isoOrNull(tombstone.erased_at) } : null };
}

async function readFields(db: Queryable, workspaceId: string, key: string): Promise<ProfileDetails['fields']> {
  const [current, changes] = await Promise.all([
    db.query<Record<string, unknown>>('SELECT * FROM profile_fields WHERE workspace_id = $1 AND customer_key = $2 ORDER BY field_type, name', [workspaceId, key]),
    db.query<Record<string, unknown>>(
      'SELECT * FROM profile_field_changes WHERE workspace_id = $1 AND customer_key = $2 ORDER BY changed_at, event_seq',
      [workspaceId, key],
    ),
  ]);
  const view: ProfileDetails['fields'] = { standard: {}, custom: {}, extended: {} };
  const slot = (type: unknown) => view[type as ProfileFieldType] ?? view.standard;
  for (const r of current.rows) {
    slot(r.field_type)[String(r.name)] = { value: str(r.value), changedAt: isoOrNull(r.changed_at), history: [] };
  }
  for (const r of changes.rows) {
    slot(r.field_type)[String(r.name)]?.history.push({
      previousValue: str(r.previous_value),
      currentValue: str(r.current_value),
      changedAt: isoOrNull(r.changed_at),
    });
  }
  return view;
}

async function readIdentifiers(db: Queryable, workspaceId: string, key: string): Promise<IdentifierView[]> {
  const result = await db.query<Record<string, unknown>>(
    "SELECT channel, kind, value, seen_at FROM customer_identifiers WHERE workspace_id = $1 AND customer_key = $2 AND value <> '' ORDER BY channel, kind, value",
    [workspaceId, key],
  );
  return result.rows.map((r) => ({ channel: String(r.channel), kind: String(r.kind), value: String(r.value), seenAt: isoOrNull(r.seen_at) }));
}

async function readChannelSubscriptions(db: Queryable, workspaceId: string, key: string): Promise<ChannelSubscriptionView[]> {
  const result = await db.query<Record<string, unknown>>(
    'SELECT * FROM channel_subscriptions WHERE workspace_id = $1 AND customer_key = $2 ORDER BY channel, source_account_id, priority',
    [workspaceId, key],
  );
  return result.rows.map((r) => ({
    channel: String(r.channel),
    sourceAccountId: str(r.source_account_id) || null,
    priority: str(r.priority) || null,
    status: str(r.status),
    previousStatus: str(r.previous_status),
    sourceName: str(r.source_name),
    ouId: str(r.ou_id),
    ouCode: str(r.ou_code),
    changedAt: isoOrNull(r.changed_at),
  }));
}

async function readGroups(db: Queryable, workspaceId: string, key: string): Promise<GroupMembershipView[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT m.source, m.group_id, m.role, m.status, m.changed_at, g.name, g.primary_customer_key,
            (SELECT COALESCE(sum(p.points), 0)::text FROM group_points p
              WHERE p.workspace_id = m.workspace_id AND p.source = m.source AND p.group_id = m.group_id) AS total,
            (SELECT COALESCE(sum(p.points), 0)::text FROM group_points p
              WHERE p.workspace_id = m.workspace_id AND p.source = m.source AND p.group_id = m.group_id AND p.contributor_key = m.customer_key) AS mine,
            COALESCE((SELECT json_agg(json_build_object('contributor', r.contributor_key, 'points', r.points,
                                                        'loyaltyProgramId', r.loyalty_program_id, 'occurredAt', r.occurred_at))
                        FROM (SELECT * FROM group_points p
                               WHERE p.workspace_id = m.workspace_id AND p.source = m.source AND p.group_id = m.group_id
                               ORDER BY p.occurred_at DESC, p.event_seq DESC LIMIT ${RECENT_CONTRIBUTIONS}) r), '[]') AS recent
       FROM group_members m
       LEFT JOIN customer_groups g ON g.workspace_id = m.workspace_id AND g.source = m.source AND g.group_id = m.group_id
      WHERE m.workspace_id = $1 AND m.customer_key = $2
      ORDER BY m.source, m.group_id`,
    [workspaceId, key],
  );
  return result.rows.map((r) => ({
    groupId: String(r.group_id),
    source: String(r.source),
    name: str(r.name),
    role: str(r.role),
    status: String(r.status),
    primary: r.primary_customer_key === key,
    primaryMember: str(r.primary_customer_key),
    changedAt: isoOrNull(r.changed_at),
    points: { total: Number(r.total), contributedByMember: Number(r.mine) },
    recentContributions: (typeof r.recent === 'string' ? JSON.parse(r.recent) : r.recent as Array<Record<string, unknown>>).map((c: Record<string, unknown>) => ({
      contributor: String(c.contributor),
      points: Number(c.points),
      loyaltyProgramId: str(c.loyaltyProgramId),
      occurredAt: isoOrNull(c.occurredAt),
    })),
  }));
}

async function readLinks(db: Queryable, workspaceId: string, key: string): Promise<LinkView[]> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT CASE WHEN key_a = $2 THEN key_b ELSE key_a END AS other, kind, value, linked_at
       FROM identity_links
      WHERE workspace_id = $1 AND (key_a = $2 OR key_b = $2) AND undone_at IS NULL
      ORDER BY 1`,
    [workspaceId, key],
  );
  return result.rows.map((r) => ({ customerId: String(r.other), kind: str(r.kind), value: str(r.value), linkedAt: isoOrNull(r.linked_at) }));
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Whether two profiles are linked now (not undone). */
export async function hasActiveLink(db: Queryable, workspaceId: string, keyA: string, keyB: string): Promise<boolean> {
  const [a, b] = [keyA, keyB].sort();
  const result = await db.query('SELECT 1 FROM identity_links WHERE workspace_id = $1 AND key_a = $2 AND key_b = $3 AND undone_at IS NULL', [workspaceId, a, b]);
  return result.rows.length > 0;
}
