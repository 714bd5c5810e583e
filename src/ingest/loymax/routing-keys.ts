/**
 * The Loymax -> SmartCommunications contract (seed 000/001): every routing
 * key bound to smc.customerEvents and the event codes sent with it.
 *
 * The seed spells the category key with a Cyrillic "с" (U+0441) as its first
 * letter. A producer built from that page may send either spelling, so both
 * are bound and both are read as the Latin key.
 */
export const LOYMAX_ROUTING_KEYS = {
  registrationBegin: 'customer.registration.begin',
  registrationFinish: 'customer.registration.finish',
  cardLink: 'customer.card.link',
  profileMerge: 'customer.profile.merge',
  cardChangeState: 'customer.card.changeState',
  cardChangeBlockState: 'customer.card.changeBlockState',
  cardChangeDeleteState: 'customer.card.changeDeleteState',
  cardChangeCategory: 'customer.card.changeCategory',
  attributeUpdate: 'customer.attribute.update',
  subscriptionUpdate: 'customer.subscription.update',
  purchaseConfirm: 'purchases.confirm.modelUpdate',
  purchaseRefund: 'purchases.refundModelUpdate',
} as const;

export type LoymaxRoutingKey = (typeof LOYMAX_ROUTING_KEYS)[keyof typeof LOYMAX_ROUTING_KEYS];

const CYRILLIC_CATEGORY_KEY = '\u0441ustomer.card.changeCategory';

/** Every key to bind: the twelve of the contract plus the seed's Cyrillic spelling. */
export const LOYMAX_BINDING_KEYS: readonly string[] = [...Object.values(LOYMAX_ROUTING_KEYS), CYRILLIC_CATEGORY_KEY];

/**
 * Event codes by routing key. The seed shows one code per key; the codes for
 * the opposite direction (unblock, restore) and the three card-link kinds are
 * not shown, so the plausible names are accepted too. The direction itself is
 * read from targetBlockState / targetDeleteState / linkCardType, never from
 * the code.
 */
export const LOYMAX_EVENT_CODES: Record<LoymaxRoutingKey, readonly string[]> = {
  'customer.registration.begin': ['OnBeginRegistration'],
  'customer.registration.finish': ['OnEndRegistration'],
  'customer.card.link': ['OnCardReplace', 'OnCardAttach', 'OnCardSet', 'OnReplaceCard', 'OnAttachCard', 'OnSetCard', 'OnCardLink'],
  'customer.profile.merge': ['MergeCustomersProfiles'],
  'customer.card.changeState': ['OnCardActivation', 'OnCardStateChange'],
  'customer.card.changeBlockState': ['OnBlockCard', 'OnUnblockCard', 'OnUnBlockCard'],
  'customer.card.changeDeleteState': ['OnDeleteCard', 'OnRestoreCard'],
  'customer.card.changeCategory': ['OnChangeCategoryCard'],
  'customer.attribute.update': ['OnCustomerAttributeUpdate'],
  'customer.subscription.update': ['OnCustomerSubscriptionChange'],
  'purchases.confirm.modelUpdate': ['OnPurchaseConfirm'],
  'purchases.refundModelUpdate': ['OnPurchaseRefund'],
};

const ROUTING_KEY_BY_CODE = new Map<string, LoymaxRoutingKey>(
  Object.entries(LOYMAX_EVENT_CODES).flatMap(([key, codes]) => codes.map((code) => [code, key as LoymaxRoutingKey] as const)),
);

export function normaliseRoutingKey(routingKey: string): string {
  return routingKey === CYRILLIC_CATEGORY_KEY ? LOYMAX_ROUTING_KEYS.cardChangeCategory : routingKey;
}

export function isLoymaxRoutingKey(routingKey: string): routingKey is LoymaxRoutingKey {
  return Object.hasOwn(LOYMAX_EVENT_CODES, routingKey);
}

export function routingKeyForEventCode(eventCode: string): LoymaxRoutingKey | undefined {
  return ROUTING_KEY_BY_CODE.get(eventCode);
}
