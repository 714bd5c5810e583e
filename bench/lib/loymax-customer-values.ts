// What a synthetic Loymax customer looks like: identity, cards and profile
// attribute values. Everything here is a pure function of the customer id
// (and a version counter), independent of the run's seed, so the same
// customer has the same uid, cards and phone in every bench run.
import { mix32, uuidFromUnique } from './seeded-random.ts';

const CUSTOMER_UID_SALT = 0x0c0570;
const DEVICE_ID_SALT = 0x0de71ce;
const CARD_NUMBER_SALT = 0x0ca4d;

export interface LoymaxCustomerInfo {
  customerId: number;
  accountgroupId: string;
  customerUid: string;
  mobileDeviceId: string | null;
  identifierId: number | null;
  applicationId: number | null;
}

/** Hash of (customerId, purpose) for per-customer traits that never change. */
function trait(customerId: number, purpose: number): number {
  return mix32(mix32(customerId) ^ purpose);
}

export function customerInfoFor(customerId: number): LoymaxCustomerInfo {
  // About a third of customers use the mobile app; only they carry a device
  // id and an applicationId, as in the seed examples.
  const usesApp = trait(customerId, 1) % 3 === 0;
  const hasIdentifier = trait(customerId, 2) % 2 === 0;
  return {
    customerId,
    // Every seed example has an account group a few numbers above the id.
    accountgroupId: String(customerId + 4),
    customerUid: uuidFromUnique(customerId, CUSTOMER_UID_SALT),
    mobileDeviceId: usesApp ? uuidFromUnique(customerId, DEVICE_ID_SALT) : null,
    identifierId: hasIdentifier ? customerId * 7 + 3 : null,
    applicationId: usesApp ? 1 : null,
  };
}

/** Three customers in four carry a single card; the rest own two. */
export function cardSlotsOf(customerId: number): 1 | 2 {
  return trait(customerId, 3) % 4 === 0 ? 2 : 1;
}

/**
 * A card id is unique per (customer, slot, replacement generation); a card
 * replaced 64 times wraps around, which no real card does.
 */
export function cardIdFor(customerId: number, slot: number, generation: number): number {
  return (customerId * 2 + slot) * 64 + (generation & 63);
}

/** 16 digits; the middle ten are a bijection of the card id, so never shared. */
export function cardNumberFor(cardId: number): string {
  const unique = String(mix32(cardId ^ CARD_NUMBER_SALT)).padStart(10, '0');
  const tail = String(mix32(cardId ^ 0x7a11) % 10000).padStart(4, '0');
  return `27${unique}${tail}`;
}

export const CARD_CATEGORIES = ['Standard', 'Silver', 'Gold', 'VIP'] as const;

// [Cyrillic as shown in the profile, Latin as used in the e-mail address]
const MALE_FIRST_NAMES = [['Александр', 'aleksandr'], ['Дмитрий', 'dmitry'], ['Сергей', 'sergey'], ['Андрей', 'andrey'], ['Иван', 'ivan'], ['Михаил', 'mikhail'], ['Алексей', 'aleksey'], ['Никита', 'nikita']] as const;
const FEMALE_FIRST_NAMES = [['Анна', 'anna'], ['Мария', 'maria'], ['Елена', 'elena'], ['Ольга', 'olga'], ['Наталья', 'natalia'], ['Екатерина', 'ekaterina'], ['Татьяна', 'tatiana'], ['Ирина', 'irina']] as const;
// Male form; the female form appends "а" (true for every name listed).
const LAST_NAMES = [['Иванов', 'ivanov'], ['Смирнов', 'smirnov'], ['Кузнецов', 'kuznetsov'], ['Попов', 'popov'], ['Васильев', 'vasiliev'], ['Петров', 'petrov'], ['Соколов', 'sokolov'], ['Морозов', 'morozov'], ['Волков', 'volkov'], ['Лебедев', 'lebedev']] as const;
const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'] as const;

export type LoymaxAttributeCode = 'Phone' | 'Email' | 'FirstName' | 'LastName' | 'BirthDate' | 'PublicOfferAccepted';

interface PersonName { first: string; last: string; latinFirst: string; latinLast: string }

function nameOf(customerId: number, version: number): PersonName {
  const isFemale = trait(customerId, 4) % 2 === 0;
  const firstNames = isFemale ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES;
  // Version 0 is the name given at registration; each later version is a
  // correction (a typo fixed, a marriage) and steps to the next name, so an
  // update never reports oldValue === newValue.
  const [first, latinFirst] = firstNames[(trait(customerId, 5) + version) % firstNames.length]!;
  const [last, latinLast] = LAST_NAMES[(trait(customerId, 6) + version) % LAST_NAMES.length]!;
  return isFemale
    ? { first, last: `${last}а`, latinFirst, latinLast: `${latinLast}a` }
    : { first, last, latinFirst, latinLast };
}

/** The value an attribute holds after its `version`-th change (0 = first). */
export function attributeValueFor(code: LoymaxAttributeCode, customerId: number, version: number): string {
  const h = mix32(trait(customerId, 7) + version * 0x9e37);
  switch (code) {
    case 'Phone':
      // Russian mobile numbers as Loymax stores them: 7, then 9xx, no "+".
      return `79${String(h % 1_000_000_000).padStart(9, '0')}`;
    case 'Email': {
      const name = nameOf(customerId, version);
      return `${name.latinFirst}.${name.latinLast}${customerId}@${EMAIL_DOMAINS[h % EMAIL_DOMAINS.length]}`;
    }
    case 'FirstName':
      return nameOf(customerId, version).first;
    case 'LastName':
      return nameOf(customerId, version).last;
    case 'BirthDate': {
      const year = 1950 + (trait(customerId, 8) % 56);
      const month = 1 + (trait(customerId, 9) % 12);
      const day = 1 + ((trait(customerId, 10) + version) % 28);
      return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    }
    case 'PublicOfferAccepted':
      // Accepted at first, then occasionally withdrawn and accepted again.
      return version % 2 === 0 ? 'true' : 'false';
  }
}
