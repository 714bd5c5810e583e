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
