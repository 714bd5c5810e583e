import { DECIMAL_FRACTION_DIGITS } from './validate-fields.ts';

/**
 * Exact sums of the validated decimals (at most 4 fraction digits) in units
 * of 0.0001, so balances never meet floating point.
 */
const SCALE = 10n ** BigInt(DECIMAL_FRACTION_DIGITS);

export function toUnits(decimal: string): bigint {
  const negative = decimal.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? decimal.slice(1) : decimal).split('.');
  const units = BigInt(whole) * SCALE + BigInt(fraction.padEnd(DECIMAL_FRACTION_DIGITS, '0').slice(0, DECIMAL_FRACTION_DIGITS));
  return negative ? -units : units;
}

export function fromUnits(units: bigint): string {
  const sign = units < 0n ? '-' : '';
  const magnitude = units < 0n ? -units : units;
  const fraction = (magnitude % SCALE).toString().padStart(DECIMAL_FRACTION_DIGITS, '0').replace(/0+$/, '');
  return `${sign}${magnitude / SCALE}${fraction ? `.${fraction}` : ''}`;
}

const DECIMAL_TEXT = /^-?\d+(?:\.\d+)?$/;

/**
 * A decimal the store keeps as numeric (a balance, a total), carried as its
 * text: a JS number holds 15 significant digits for sure, and a total past
 * 1e11 with 4 fraction digits has 16. The API writes it as a JSON number with
 * every digit (src/http/exact-json.ts); plain JSON.stringify, which can only
 * write doubles, gives the nearest one.
 */
export class ExactDecimal {
  readonly text: string;

  constructor(text: string) {
    if (!DECIMAL_TEXT.test(text)) throw new Error(`not a decimal: ${JSON.stringify(text)}`);
    // numeric keeps the scale it was given ("100.5000"): written as a number, as before.
    this.text = text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  }

  toJSON(): number {
    return Number(this.text);
  }

  /** What Number() reads (the schema serializer casts so). */
  toString(): string {
    return this.text;
  }
}
