import { normaliseEmail } from '../apply/reduce-segment.ts';
import type { AccrualDetails, AddItem, BonusError, CustomerRef, CustomerStatus, MessageDetails, QueuedItem } from './command-types.ts';
import { fromUnits, toUnits } from './decimal-units.ts';

/**
 * Stage two's business rules (seed 1.2, 3.x and the FAQ), as a pure function:
 * given a batch of queued items in order and the current state of every
 * customer they can touch, decide each item's outcome and the writes. Items
 * are applied one after the other against that state, so a later item sees
 * what an earlier one did (a phone freed, a customer created or blocked).
 * An item that fails changes nothing.
 */

export interface CustomerState {
  uniqId: string;
  phone: string | null;
  email: string | null;
  status: CustomerStatus;
  activatedAt: string | null;
  blockedAt: string | null;
}

export interface ClaimedItem {
  commandId: string;
  /** The command's place in the queue; items apply in (commandSeq, itemNo) order. */
  commandSeq: number;
  itemNo: number;
  queued: QueuedItem;
}

export interface ItemOutcome {
  commandId: string;
  itemNo: number;
  error: BonusError | null;
  /** The customer the item was applied to. */
  customer: string | null;
}

export interface PlannedAccrual {
  guid: string;
  uniqId: string;
  requestedUniqId: string;
  details: AccrualDetails;
  commandId: string;
  itemNo: number;
}

export interface PlannedMessage {
  guid: string;
  uniqId: string;
  message: MessageDetails;
  commandId: string;
  commandSeq: number;
  itemNo: number;
}

export interface BatchPlan {
  outcomes: ItemOutcome[];
  /** Customers this batch creates, in their final state, with the sum of their accruals. */
  created: Array<CustomerState & { commandId: string; itemNo: number; balance: string }>;
  /**
   * Existing customers whose phone, e-mail, status or balance this batch
   * changes: final state, what their accruals add, and whether more than the
   * balance changed.
   */
  updated: Array<CustomerState & { balanceDelta: string; stateChanged: boolean }>;
  accruals: PlannedAccrual[];
  messages: PlannedMessage[];
  /** The guids of the add items that succeeded: each may never succeed again. */
  appliedGuids: Array<{ guid: string; commandId: string; itemNo: number }>;
}

export interface BatchSnapshot {
  /** Every customer with a uniqId, phone or e-mail named in the batch. */
  customers: readonly CustomerState[];
  /** Guids of add items that already succeeded. */
  appliedGuids: ReadonlySet<string>;
}

export function planBatch(items: readonly ClaimedItem[], snapshot: BatchSnapshot, now: string): BatchPlan {
  const state = new CustomerIndex(snapshot.customers);
  const appliedGuids = new Set(snapshot.appliedGuids);
  const plan: BatchPlan = { outcomes: [], created: [], updated: [], accruals: [], messages: [], appliedGuids: [] };
  const createdBy = new Map<string, { commandId: string; itemNo: number }>();

  for (const claimed of items) {
    const { queued } = claimed;
    const outcome =
      queued.kind === 'add'
        ? applyAdd(queued.item, claimed, { state, appliedGuids, plan, createdBy, now })
        : applyStatusChange(queued.kind, queued.item, state, now);
    plan.outcomes.push({ commandId: claimed.commandId, itemNo: claimed.itemNo, ...outcome });
  }

  // The balance moves with the operations, in the same transaction: the sum of this batch's accruals per customer.
  const deltas = new Map<string, bigint>();
  for (const a of plan.accruals) deltas.set(a.uniqId, (deltas.get(a.uniqId) ?? 0n) + toUnits(a.details.amount));
  const changed = new Set(state.changedIds());
  for (const uniqId of new Set([...changed, ...deltas.keys()])) {
    const customer = state.get(uniqId)!;
    const delta = fromUnits(deltas.get(uniqId) ?? 0n);
    const origin = createdBy.get(uniqId);
    if (origin) plan.created.push({ ...customer, ...origin, balance: delta });
    else plan.updated.push({ ...customer, balanceDelta: delta, stateChanged: changed.has(uniqId) });
  }
  return plan;
}

interface AddContext {
  state: CustomerIndex;
  appliedGuids: Set<string>;
  plan: BatchPlan;
  createdBy: Map<string, { commandId: string; itemNo: number }>;
  now: string;
}

type Outcome = Omit<ItemOutcome, 'commandId' | 'itemNo'>;

function applyAdd(item: AddItem, claimed: ClaimedItem, context: AddContext): Outcome {
  const { state, appliedGuids, plan, now } = context;
  if (appliedGuids.has(item.guid)) {
    return failure('duplicateGuid', `guid ${item.guid} was already processed successfully; an operation is made once per guid`);
  }
  const target = resolveAddTarget(item, state);
  if (!target.ok) return { error: target.error, customer: null };

  let customer = target.customer;
  if (!customer) {
    // Seed 3.1: a customer created without an accrual starts as New.
    customer = { uniqId: item.uniqId, phone: item.phone, email: item.email, status: 'New', activatedAt: null, blockedAt: null };
    state.put(customer);
    context.createdBy.set(customer.uniqId, { commandId: claimed.commandId, itemNo: claimed.itemNo });
  } else if (target.updateIdentity) {
    state.put({ ...customer, phone: item.phone ?? customer.phone, email: item.email ?? customer.email });
    customer = state.get(customer.uniqId)!;
  }

  if (item.accrual) {
    plan.accruals.push({
      guid: item.guid,
      uniqId: customer.uniqId,
      requestedUniqId: item.uniqId,
      details: item.accrual,
      commandId: claimed.commandId,
      itemNo: claimed.itemNo,
    });
    // Seed 3.3: an accrual activates a New customer; 3.4: a Blocked one stays blocked.
    if (customer.status === 'New') state.put({ ...customer, status: 'Active', activatedAt: customer.activatedAt ?? now });
  }
  if (item.message) {
    plan.messages.push({
      guid: item.guid,
      uniqId: customer.uniqId,
      message: item.message,
      commandId: claimed.commandId,
      commandSeq: claimed.commandSeq,
      itemNo: claimed.itemNo,
    });
  }
  appliedGuids.add(item.guid);
  plan.appliedGuids.push({ guid: item.guid, commandId: claimed.commandId, itemNo: claimed.itemNo });
  return { error: null, customer: customer.uniqId };
}

type AddTarget =
  | { ok: true; customer: CustomerState | null; updateIdentity: boolean }
  | { ok: false; error: BonusError };

/** Whose account an add item lands on, by the FAQ. `customer: null` means "create item.uniqId". */
function resolveAddTarget(item: AddItem, state: CustomerIndex): AddTarget {
  const existing = state.get(item.uniqId);
  const phoneOwner = item.phone ? state.ownerOfPhone(item.phone) : null;
  if (existing) {
    // FAQ 3: a new phone replaces the old one unless it belongs to another
    // customer; then neither the phone is replaced nor the points accrued.
    if (phoneOwner && phoneOwner !== existing.uniqId) {
      return { ok: false, error: phoneTaken(item.phone!, phoneOwner, 'the phone was not replaced and no points were accrued (FAQ 3)') };
    }
    // FAQ 5: a new e-mail is taken even when another customer has it.
    return { ok: true, customer: existing, updateIdentity: true };
  }
  // FAQ 4: a new uniqId with a phone that belongs to a customer creates
  // nobody and accrues to nobody.
  if (phoneOwner) {
    return { ok: false, error: phoneTaken(item.phone!, phoneOwner, `customer ${item.uniqId} was not created and no points were accrued (FAQ 4)`) };
  }
  // FAQ 7: a new uniqId with an e-mail that a customer has: nobody is
  // created, the points go to the customer with that e-mail. Several such
  // customers (FAQ 5 allows it) leave no way to choose: refused.
  if (item.email) {
    const owners = state.ownersOfEmail(item.email);
    if (owners.length > 1) {
      const names = owners.slice(0, 5).join(', ');
      return { ok: false, error: bonusError('ambiguousEmail', `e-mail ${item.email} belongs to ${owners.length} customers (${names}); customer ${item.uniqId} was not created and no points were accrued`) };
    }
    if (owners.length === 1) return { ok: true, customer: state.get(owners[0]!)!, updateIdentity: false };
  }
  return { ok: true, customer: null, updateIdentity: false };
}

/** blockCustomers / activateCustomers (seed 3.4: only activateCustomers lifts a block). */
function applyStatusChange(kind: 'block' | 'activate', ref: CustomerRef, state: CustomerIndex, now: string): Outcome {
  const found = resolveRef(ref, state);
  if (!found.ok) return { error: found.error, customer: null };
  const customer = found.customer;
  if (kind === 'block') {
    if (customer.status !== 'Blocked') state.put({ ...customer, status: 'Blocked', blockedAt: now });
  } else if (customer.status !== 'Active') {
    state.put({ ...customer, status: 'Active', activatedAt: customer.activatedAt ?? now, blockedAt: null });
  }
  return { error: null, customer: customer.uniqId };
}

function resolveRef(ref: CustomerRef, state: CustomerIndex): { ok: true; customer: CustomerState } | { ok: false; error: BonusError } {
  let uniqId: string | undefined;
  if (ref.uniqId !== null) uniqId = ref.uniqId;
  else if (ref.phone !== null) uniqId = state.ownerOfPhone(ref.phone) ?? undefined;
  else if (ref.email !== null) {
    const owners = state.ownersOfEmail(ref.email);
    if (owners.length > 1) return { ok: false, error: bonusError('ambiguousEmail', `e-mail ${ref.email} belongs to ${owners.length} customers; name the customer by uniqId`) };
    uniqId = owners[0];
  }
  const customer = uniqId === undefined ? undefined : state.get(uniqId);
  if (!customer) return { ok: false, error: bonusError('customerNotFound', `no customer ${ref.uniqId ?? ref.phone ?? ref.email}`) };
  return { ok: true, customer };
}

const bonusError = (typeOfError: BonusError['typeOfError'], description: string): BonusError => ({ typeOfError, description });
const failure = (typeOfError: BonusError['typeOfError'], description: string): Outcome => ({ error: bonusError(typeOfError, description), customer: null });

const phoneTaken = (phone: string, owner: string, consequence: string): BonusError =>
  bonusError('phoneBelongsToOtherCustomer', `phone ${phone} belongs to customer ${owner}; ${consequence}`);

/** The customers a batch works on, indexed by uniqId, phone and e-mail, remembering which changed. */
class CustomerIndex {
  private readonly byUniqId = new Map<string, CustomerState>();
  private readonly byPhone = new Map<string, string>();
  private readonly byEmail = new Map<string, Set<string>>();
  private readonly changed = new Set<string>();

  constructor(customers: readonly CustomerState[]) {
    for (const customer of customers) this.index(customer);
  }

  get(uniqId: string): CustomerState | undefined {
    return this.byUniqId.get(uniqId);
  }

  ownerOfPhone(phone: string): string | null {
    return this.byPhone.get(phone) ?? null;
  }

  ownersOfEmail(email: string): string[] {
    return [...(this.byEmail.get(normaliseEmail(email)) ?? [])].sort();
  }

  /** Stores a customer's new state (only when something changed). */
  put(next: CustomerState): void {
    const previous = this.byUniqId.get(next.uniqId);
    if (previous && sameState(previous, next)) return;
    if (previous) this.unindex(previous);
    this.index(next);
    this.changed.add(next.uniqId);
  }

  changedIds(): string[] {
    return [...this.changed];
  }

  private index(customer: CustomerState): void {
    this.byUniqId.set(customer.uniqId, customer);
    if (customer.phone) this.byPhone.set(customer.phone, customer.uniqId);
    if (customer.email) {
      const key = normaliseEmail(customer.email);
      const owners = this.byEmail.get(key) ?? new Set<string>();
      owners.add(customer.uniqId);
      this.byEmail.set(key, owners);
    }
  }

  private unindex(customer: CustomerState): void {
    if (customer.phone && this.byPhone.get(customer.phone) === customer.uniqId) this.byPhone.delete(customer.phone);
    if (customer.email) this.byEmail.get(normaliseEmail(customer.email))?.delete(customer.uniqId);
  }
}

function sameState(a: CustomerState, b: CustomerState): boolean {
  return a.phone === b.phone && a.email === b.email && a.status === b.status && a.activatedAt === b.activatedAt && a.blockedAt === b.blockedAt;
}
