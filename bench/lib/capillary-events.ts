import { createRandom, pickOne, pickWeighted } from './seeded-random.ts';

/**
 * Realistic Capillary event notifications for the webhook benchmark: the
 * documentation's shapes with a retailer's usual contents (instore
 * identifiers, a card, sometimes one channel account; a few custom and
 * extended fields), for a population of customers and groups, in the three
 * envelope forms. Every event has its own eventId; deterministic per seed.
 */

type EventName =
  | 'customerAdded'
  | 'customerUpdated'
  | 'customerSubscription'
  | 'groupCreated'
  | 'groupUpdated'
  | 'groupMemberAdded'
  | 'pointsContributionToGroup';

const MIX: ReadonlyArray<readonly [EventName, number]> = [
  ['customerUpdated', 35],
  ['customerAdded', 20],
  ['customerSubscription', 15],
  ['pointsContributionToGroup', 12],
  ['groupMemberAdded', 10],
  ['groupCreated', 4],
  ['groupUpdated', 4],
];

const FIRST = ['Anna', 'Budi', 'Chen', 'Dewi', 'Eko', 'Fitri', 'Gita', 'Hadi', 'Indah', 'Joko'];
const LAST = ['Santoso', 'Wijaya', 'Lim', 'Pratama', 'Kusuma', 'Halim', 'Tan', 'Saputra'];
const CHANNELS = ['wechat', 'facebook', 'line', 'ecommerce', 'website'];
const STORE = { code: 'kanmo.idn.mothercare.rpm', name: 'Mothercare RSIA Paramount Makassar', externalId: 'MOTHERCARERPM', externalId1: '', externalId2: '' };

export function createCapillaryEventSource(seed: number, customers = 100_000) {
  const random = createRandom(seed);
  let counter = 0;
  const int = (n: number) => Math.floor(random() * n);

  const identifiers = (id: number) => ({
    customerId: id,
    firstName: FIRST[id % FIRST.length],
    lastName: LAST[id % LAST.length],
    loyaltyType: 'LOYALTY',
    instore: {
      mobile: `628${String(id).padStart(9, '0')}`,
      email: `member${id}@example.com`,
      externalId: `EXT${id}`,
      cardNumbers: [`CARD${String(id).padStart(10, '0')}`],
    },
    ...(id % 3 === 0
      ? { [CHANNELS[id % CHANNELS.length]!]: { accounts: [{ accountId: `acc-${id}`, identifiers: [{ identifierType: 'mobile', identifierValue: `628${String(id).padStart(9, '0')}` }] }] } }
      : {}),
  });
  const member = (id: number, role: string) => ({ firstName: FIRST[id % FIRST.length], lastName: LAST[id % LAST.length], role, customerIdentifiers: identifiers(id) });
  const customerData = (id: number, updated: boolean) => ({
    loyaltyType: 'LOYALTY',
    source: 'INSTORE',
    firstName: FIRST[id % FIRST.length],
    lastName: LAST[id % LAST.length],
    enteredAt: Date.now(),
    enteredBy: { id: 200320889, till: { code: 'till.01', name: 'till.01' }, store: STORE },
    customerIdentifiers: identifiers(id),
    customFields: [
      { key: 'gender', value: pickOne(['F', 'M'], random) },
      { key: 'city', value: pickOne(['Jakarta', 'Makassar', 'Surabaya'], random) },
      { key: 'newsletter', value: pickOne(['yes', 'no'], random) },
    ],
    extendedFields: [{ key: 'dob', value: `19${60 + int(40)}-0${1 + int(9)}-1${int(9)}` }],
    ...(updated
      ? {
          updatedFields: [{ fieldName: 'city', previousValue: 'Jakarta', currentValue: 'Makassar', fieldType: 'CustomField' }],
          customerStatus: { previousLabel: 'Active', currentLabel: 'Active', reason: 'profile edit' },
        }
      : {}),
  });
  const group = (groupId: number) => ({ groupId, groupName: `Family ${groupId}`, enteredAt: Date.now(), enteredBy: { id: 1, store: STORE } });

  function dataOf(name: EventName, id: number): Record<string, unknown> {
    const groupId = 1 + (id % (customers / 4));
    switch (name) {
      case 'customerAdded':
        return customerData(id, false);
      case 'customerUpdated':
        return customerData(id, true);
      case 'customerSubscription':
        return {
          customerIdentifiers: identifiers(id),
          subscriptions: [{ sourceAccountId: `628${id}`, previousStatus: 'OPTIN', currentStatus: pickOne(['OPTIN', 'OPTOUT'], random), channel: pickOne(['SMS', 'EMAIL', 'WHATSAPP'], random), sourceName: 'INSTORE', priority: pickOne(['TRANS', 'BULK'], random), ouId: -1, ouCode: '' }],
        };
      case 'groupCreated':
      case 'groupUpdated':
        return { ...group(groupId), primaryMember: member(groupId, 'PRIMARY') };
      case 'groupMemberAdded':
        return { ...group(groupId), primaryMember: member(groupId, 'PRIMARY'), memberAdded: member(id, 'MEMBER') };
      case 'pointsContributionToGroup':
        return {
          ...group(groupId),
          primaryMember: member(groupId, 'PRIMARY'),
          contributingMember: member(id, 'MEMBER'),
          triggeringActivity: { name: 'TransactionAdd', identifiers: [{ key: 'billNumber', value: `B${counter}` }], enteredBy: { id: 1, store: STORE } },
          loyaltyProgramDetails: { id: 6178, name: 'Family points', isDefault: true, pointsToCurrencyRatio: 1, tiers: [{ tierNumber: 1, tierName: 'Base' }] },
          loyaltyProgramId: 6178,
          pointsContributedToGroup: 1 + int(500),
        };
    }
  }

  /**
   * The next event as a JSON text, in one of the three envelope forms:
   * by default a random one from the mix, for a random customer; or the
   * customerAdded of a given customer (to register the population first).
   */
  return function nextEvent(registering?: number): string {
    const name = registering === undefined ? pickWeighted(MIX, random) : 'customerAdded';
    const id = registering ?? 1 + int(customers);
    const eventId = `bench-${seed}-${++counter}`;
    const createdAt = Date.now();
    const flat = { eventName: name, eventId, orgId: 150698, refId: `150698_${id}`, apiRequestId: `req-${counter}`, createdAt, data: dataOf(name, id) };
    const form = counter % 3;
    if (form === 0) return JSON.stringify(flat);
    if (form === 1) return JSON.stringify({ data: flat, errors: null, warnings: null });
    const { data, ...rest } = flat;
    return JSON.stringify({ eventId, eventType: `150698_${name}`, consumerGroupId: null, actionType: 'START', timeStamp: createdAt, attributes: { ...rest, data } });
  };
}
