// Synthetic purchase cheques in the shape of Loymax's purchases.confirm and
// purchases.refund models. A cheque is a pure function of (purchaseId, seed):
// a refund re-derives the cheque it refunds instead of the generator keeping
// every purchase's lines in memory.
//
// Money is computed in integer kopecks so line amounts add up to the cheque
// amount exactly; it is converted to roubles only when written out.
import { createRandom, mix32, pickOne, saltFor, uuidFromUnique } from './seeded-random.ts';

// Currency and offer ids as they appear in the seed examples.
const ROUBLE_CURRENCY_ID = '718ae69b-76be-413f-ad19-7b7e02e4a438';
const BONUS_CURRENCY_ID = '1f24174f-bfdb-4019-a3e7-4fb088b4a7a7';
const PARTNER_ID = 'd1f94a6c-0d33-4cf2-79ab-9248f3dd2547';
const BRAND_ID = '82013554-3dd3-4e08-5a73-e8354f45ffa6';
const DISCOUNT_OFFER_IDS = ['4848fd95-b3ee-4594-9ba1-211bcf148c43', 'a1c3d54e-7f20-4c5b-9e61-3b8d2f0c7a19'] as const;
const BONUS_OFFER_ID = '4848fd95-b3ee-4594-9ba1-211bcf148c43';

const CHEQUE_SALT = 0xc4e9;
const EXTERNAL_ID_SALT = 0xe7e1;

interface Merchant { merchantId: number; merchantUid: string; deviceCode: string; description: string }

const MERCHANTS: readonly Merchant[] = [
  'Магазин на Тверской', 'ТЦ Европейский', 'Магазин у дома, Ленина 12', 'Гипермаркет МКАД 41 км', 'Noname POS',
].map((description, index) => ({
  merchantId: index + 1,
  merchantUid: uuidFromUnique(index + 1, 0x3e4c),
  deviceCode: String(1010 + index * 10).padStart(6, '0'),
  description,
}));

// [description, price in kopecks per piece or per kg, sold by weight]
const CATALOGUE: ReadonlyArray<readonly [string, number, boolean]> = [
  ['Молоко 3,2% 1 л', 8990, false], ['Хлеб Бородинский 400 г', 5490, false],
  ['Яйцо куриное С1 10 шт', 11990, false], ['Сыр Российский', 79900, true],
  ['Бананы', 12990, true], ['Яблоки Гала', 15990, true], ['Кофе молотый 250 г', 44990, false],
  ['Чай чёрный 100 пак.', 29990, false], ['Вода питьевая 1,5 л', 4590, false], ['Aqva 0,5 л', 900, false],
  ['Шоколад молочный 90 г', 8990, false], ['Филе куриное', 42990, true], ['Картофель', 4990, true],
  ['Масло сливочное 82% 180 г', 21990, false], ['Йогурт питьевой 270 г', 6990, false],
  ['Макароны спагетти 450 г', 14990, false], ['Сок апельсиновый 1 л', 15990, false],
  ['Зубная паста 100 мл', 18990, false], ['Шампунь 400 мл', 34990, false], ['Пакет-майка', 990, false],
  ['Печенье овсяное 300 г', 9990, false], ['Помидоры', 24990, true], ['Огурцы', 19990, true],
  ['Рис круглозёрный 900 г', 12990, false], ['Сметана 20% 300 г', 11490, false],
];

interface ChequeLine { positionId: number; description: string; quantity: number; amountKopecks: number; itemId: string }

export interface PurchaseCheque {
  purchaseId: number;
  externalPurchaseId: string;
  chequeNumber: string;
  cashierIdentifier: string;
  merchant: Merchant;
  lines: ChequeLine[];
  totalKopecks: number;
  /** Per line, parallel to `lines`; all zero when nothing was withdrawn. */
  withdrawKopecks: number[];
  discountKopecks: number[];
  bonusKopecks: number[];
  discountOfferId: string;
}

/** Unique per purchase id: a bijection of the id, shown as 10 digits. */
export function externalPurchaseIdFor(purchaseId: number, seed: number): string {
  return String(mix32(purchaseId ^ saltFor(EXTERNAL_ID_SALT, seed))).padStart(10, '0');
}

/** Split `total` over positions in proportion to `weights`; the last absorbs rounding. */
function allocate(total: number, weights: readonly number[]): number[] {
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  if (total === 0 || weightSum === 0) return weights.map(() => 0);
  const shares = weights.map((w) => Math.floor((total * w) / weightSum));
  const rest = total - shares.reduce((sum, s) => sum + s, 0);
  shares[shares.length - 1]! += rest;
  return shares;
}

function chequeLine(positionId: number, random: () => number): ChequeLine {
  const productIndex = Math.floor(random() * CATALOGUE.length);
  const [description, price, byWeight] = CATALOGUE[productIndex]!;
  const roll = random();
  const quantity = byWeight
    ? Math.round((0.2 + random() * 2.3) * 1000) / 1000
    : roll < 0.7 ? 1 : roll < 0.9 ? 2 : 3 + Math.floor(random() * 8);
  return { positionId, description, quantity, amountKopecks: Math.round(price * quantity), itemId: String(1000 + productIndex) };
}

export function purchaseChequeFor(purchaseId: number, seed: number): PurchaseCheque {
  const random = createRandom(mix32(purchaseId ^ saltFor(CHEQUE_SALT, seed)));
  const lineCount = 2 + Math.floor(random() * 5);
  const lines = Array.from({ length: lineCount }, (_, i) => chequeLine(i + 1, random));
  const lineAmounts = lines.map((line) => line.amountKopecks);
  const totalKopecks = lineAmounts.reduce((sum, a) => sum + a, 0);

  // A quarter of shoppers pay part of a larger cheque with bonus points,
  // in whole roubles and never more than 30% of the cheque.
  const withdraw = totalKopecks >= 10000 && random() < 0.25
    ? Math.floor((totalKopecks * 0.3 * random()) / 100) * 100
    : 0;
  const discount = random() < 0.4 ? Math.round(totalKopecks * (0.03 + random() * 0.07)) : 0;
  const bonusRate = pickOne([0.01, 0.03, 0.05], random);
  const bonus = Math.round((totalKopecks - withdraw - discount) * bonusRate);

  return {
    purchaseId,
    externalPurchaseId: externalPurchaseIdFor(purchaseId, seed),
    chequeNumber: String(1 + Math.floor(random() * 99999)),
    cashierIdentifier: String(100 + Math.floor(random() * 900)),
    merchant: pickOne(MERCHANTS, random),
    lines,
    totalKopecks,
    withdrawKopecks: allocate(withdraw, lineAmounts),
    discountKopecks: allocate(discount, lineAmounts),
    bonusKopecks: allocate(bonus, lineAmounts),
    discountOfferId: pickOne(DISCOUNT_OFFER_IDS, random),
  };
}

const roubles = (kopecks: number): number => kopecks / 100;

function positionInfo(lines: readonly ChequeLine[], kopecks: readonly number[], sign: 1 | -1): Record<string, number> {
  const info: Record<string, number> = {};
  lines.forEach((line, i) => { info[String(line.positionId)] = sign * roubles(kopecks[i]!); });
  return info;
}

const sum = (values: readonly number[]): number => values.reduce((total, v) => total + v, 0);

/** withdraws/rewards of a cheque restricted to `picked` line indexes. */
function moneyMovements(cheque: PurchaseCheque, picked: readonly number[], offerIds: boolean) {
  const lines = picked.map((i) => cheque.lines[i]!);
  const only = (perLine: readonly number[]) => picked.map((i) => perLine[i]!);
  const withdraw = only(cheque.withdrawKopecks);
  const discount = only(cheque.discountKopecks);
  const bonus = only(cheque.bonusKopecks);
  const withdraws = sum(withdraw) === 0 ? [] : [{
    moneyAmount: roubles(sum(withdraw)), description: null, positionInfo: positionInfo(lines, withdraw, -1),
    amount: -roubles(sum(withdraw)), withdrawType: 'Bonus', currencyExternalId: BONUS_CURRENCY_ID,
  }];
  const rewards: Record<string, unknown>[] = [];
  if (sum(discount) > 0) rewards.push({
    offerExternalId: offerIds ? cheque.discountOfferId : null, description: null, positionInfo: positionInfo(lines, discount, 1),
    amount: roubles(sum(discount)), rewardType: 'Discount', currencyExternalId: ROUBLE_CURRENCY_ID,
  });
  if (sum(bonus) > 0) rewards.push({
    offerExternalId: offerIds ? BONUS_OFFER_ID : null, description: null, positionInfo: positionInfo(lines, bonus, 1),
    amount: roubles(sum(bonus)), rewardType: 'Bonus', currencyExternalId: BONUS_CURRENCY_ID,
  });
  return { lines, withdraws, rewards };
}

function chequeItems(lines: readonly ChequeLine[]) {
  return lines.map((line) => ({
    positionId: line.positionId, description: line.description, quantity: line.quantity,
    unit: null, amount: roubles(line.amountKopecks), itemId: line.itemId,
  }));
}

function operationHeader(cheque: PurchaseCheque, identity: string, dateTime: string, description: string) {
  return {
    merchantId: cheque.merchant.merchantId, merchantUid: cheque.merchant.merchantUid, merchantCode: null,
    deviceCode: cheque.merchant.deviceCode, dateTime, type: 'PurchaseData', identity,
    cashierIdentifier: cheque.cashierIdentifier, description, locationId: null, partnerId: PARTNER_ID, brandId: BRAND_ID,
  };
}

/** `purchaseOperationInfo` of purchases.confirm.modelUpdate, key order as in the seed. */
export function purchaseOperationInfo(cheque: PurchaseCheque, identity: string, dateTime: string) {
  const all = cheque.lines.map((_, i) => i);
  const { lines, withdraws, rewards } = moneyMovements(cheque, all, true);
  return {
    ...operationHeader(cheque, identity, dateTime, cheque.merchant.description),
    purchaseData: {
      chequeNumber: cheque.chequeNumber, purchaseId: cheque.purchaseId, externalPurchaseId: cheque.externalPurchaseId,
      amount: roubles(cheque.totalKopecks), currencyExternalId: ROUBLE_CURRENCY_ID, chequeItems: chequeItems(lines),
      withdraws, rewards, isRefund: false, purchaseAttributes: [],
    },
  };
}

/** Half the refunds return the whole cheque; the rest return some of its lines. */
export function pickRefundedLines(cheque: PurchaseCheque, random: () => number): number[] {
  const all = cheque.lines.map((_, i) => i);
  if (random() < 0.5) return all;
  const some = all.filter(() => random() < 0.5);
  return some.length > 0 ? some : [Math.floor(random() * all.length)];
}

/**
 * `refundOperationInfo` of purchases.refundModelUpdate. The refund is a new
 * purchase (own ids) that keeps the refunded lines' position ids; the seed
 * spells the currency `currencyDeviceExternalId` and moves chequeNumber
 * after isRefund here, and both quirks are kept.
 */
export function refundOperationInfo(
  cheque: PurchaseCheque, refund: { purchaseId: number; externalPurchaseId: string },
  picked: readonly number[], identity: string, dateTime: string,
) {
  const { lines, withdraws, rewards } = moneyMovements(cheque, picked, false);
  return {
    ...operationHeader(cheque, identity, dateTime, `Refund. ${cheque.merchant.description}`),
    purchaseData: {
      purchaseId: refund.purchaseId, externalPurchaseId: refund.externalPurchaseId,
      amount: roubles(sum(lines.map((line) => line.amountKopecks))), currencyDeviceExternalId: ROUBLE_CURRENCY_ID,
      chequeItems: chequeItems(lines), withdraws, rewards, isRefund: true,
      chequeNumber: cheque.chequeNumber, purchaseAttributes: [],
    },
  };
}
