import { ExactDecimal } from '../bonus/decimal-units.ts';

/**
 * JSON.stringify, except that an ExactDecimal is written as a JSON number
 * with all its digits. JSON.stringify (and the schema serializer, which casts
 * with Number) can only write doubles: a bonus total of 599999999999.0003
 * would go out as 599999999999.0002. Node 20 has no JSON.rawJSON.
 */
export function writeExactJson(value: unknown): string {
  return write(value) ?? 'null';
}

function write(value: unknown): string | undefined {
  if (value instanceof ExactDecimal) return value.text;
  if (Array.isArray(value)) return `[${value.map((v) => write(v) ?? 'null').join(',')}]`;
  if (isPlainObject(value)) {
    const members: string[] = [];
    for (const [key, member] of Object.entries(value)) {
      const text = write(member);
      if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${members.join(',')}}`;
  }
  // Primitives, Dates and anything else with its own toJSON; undefined (and functions) leave the member out.
  return JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
