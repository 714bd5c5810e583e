import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readValue } from 'tedious/lib/value-parser.js';
import { exactMssqlRow, exactMssqlValue, InexactValueError, mssqlParameterOf, type MssqlColumn } from './mssql-values.ts';

// The values are decoded from TDS wire bytes by tedious's own parser, with the
// options the connector uses (useUTC), so these tests follow the driver's real
// behaviour rather than a guess at it.
function decode(typeName: string, bytes: number[], scale?: number): unknown {
  const metadata = { type: { name: typeName }, scale, precision: 38 } as unknown as Parameters<typeof readValue>[2];
  return readValue(Buffer.from(bytes), 0, metadata, { useUTC: true } as Parameters<typeof readValue>[3]).value;
}

const le = (value: bigint, size: number) => [...Array(size).keys()].map((i) => Number((value >> BigInt(8 * i)) & 0xffn));
const DAY_MS = 86_400_000;
/** Days since 0001-01-01, as datetime2 / date / datetimeoffset send them. */
const daysOf = (y: number, m: number, d: number) => {
  const day = new Date(0);
  day.setUTCFullYear(y, m - 1, d); // Date.UTC would read years 0..99 as 1900..1999
  return 730_119 + (day.getTime() - Date.UTC(2000, 0, 1)) / DAY_MS;
};
const timeLength = (scale: number) => (scale <= 2 ? 3 : scale <= 4 ? 4 : 5);
/** A time of day in units of 10^-scale seconds. */
const timeBytes = (h: number, mi: number, s: number, fraction: bigint, scale: number) =>
  le(BigInt((h * 60 + mi) * 60 + s) * 10n ** BigInt(scale) + fraction, timeLength(scale));

const column = (type: string, scale?: number): MssqlColumn => ({ name: 'c', type, scale });
const exact = (type: string, value: unknown, scale?: number) => exactMssqlValue(value, column(type, scale));

test('datetime2(n) comes back with every one of its n digits, whatever the process time zone', () => {
  const zone = process.env.TZ;
  process.env.TZ = 'Europe/Berlin'; // 2024-03-31 02:30 does not exist there: a local Date would move it
  try {
    const datetime2 = (scale: number, fraction: bigint) => {
      const time = timeBytes(2, 30, 0, fraction, scale);
      return decode('DateTime2', [time.length + 3, ...time, ...le(BigInt(daysOf(2024, 3, 31)), 3)], scale);
    };
    assert.equal(exact('datetime2', datetime2(7, 1234567n), 7), '2024-03-31T02:30:00.1234567');
    assert.equal(exact('datetime2', datetime2(7, 9999999n), 7), '2024-03-31T02:30:00.9999999');
    assert.equal(exact('datetime2', datetime2(6, 5n), 6), '2024-03-31T02:30:00.000005');
    assert.equal(exact('datetime2', datetime2(3, 120n), 3), '2024-03-31T02:30:00.120');
    assert.equal(exact('datetime2', datetime2(0, 0n), 0), '2024-03-31T02:30:00');
  } finally {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
});

test('datetime keeps its 1/300 s steps as the 3 digits SQL Server reads back to the same step', () => {
  const datetime = (days: number, ticks: number) => decode('DateTimeN', [8, ...le(BigInt(days), 4), ...le(BigInt(ticks), 4)]);
  const days = (Date.UTC(2024, 0, 2) - Date.UTC(1900, 0, 1)) / DAY_MS;
  const at = ((3 * 60 + 4) * 60 + 5) * 300;
  assert.equal(exact('datetime', datetime(days, at)), '2024-01-02T03:04:05.000');
  assert.equal(exact('datetime', datetime(days, at + 2)), '2024-01-02T03:04:05.007');
  assert.equal(exact('datetime', datetime(days, at + 299)), '2024-01-02T03:04:05.997');
  const small = decode('DateTimeN', [4, ...le(BigInt(days), 2), ...le(BigInt(3 * 60 + 4), 2)]);
  assert.equal(exact('smalldatetime', small), '2024-01-02T03:04:00');
});

test('date, time(n) and datetimeoffset(n) (as the same instant in UTC)', () => {
  assert.equal(exact('date', decode('Date', [3, ...le(BigInt(daysOf(1, 1, 1)), 3)])), '0001-01-01');
  assert.equal(exact('date', decode('Date', [3, ...le(BigInt(daysOf(2024, 2, 29)), 3)])), '2024-02-29');
  const time = timeBytes(23, 59, 59, 1234567n, 7);
  assert.equal(exact('time', decode('Time', [time.length, ...time], 7), 7), '23:59:59.1234567');
  // 2024-01-02 05:04:05.1234567 +02:00 travels as its UTC time and date, then the offset in minutes.
  const utc = timeBytes(3, 4, 5, 1234567n, 7);
  const offset = decode('DateTimeOffset', [utc.length + 5, ...utc, ...le(BigInt(daysOf(2024, 1, 2)), 3), ...le(120n, 2)], 7);
  assert.equal(exact('datetimeoffset', offset, 7), '2024-01-02T03:04:05.1234567+00:00');
});

/** DECIMAL on the wire: length, sign byte (1 positive), then the unscaled integer in 16 bytes. */
const decimal = (unscaled: bigint, scale: number) =>
  decode('DecimalN', [17, unscaled < 0n ? 0 : 1, ...le(unscaled < 0n ? -unscaled : unscaled, 16)], scale);
const decimalText = (unscaled: bigint, scale: number) => {
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return unscaled < 0n ? `-${text}` : text;
};

test('decimals up to 15 significant digits come back digit for digit at the column scale', () => {
  assert.equal(exact('decimal', decimal(123456789n, 4), 4), '12345.6789');
  assert.equal(exact('numeric', decimal(-5n, 1), 1), '-0.5');
  assert.equal(exact('decimal', decimal(1000n, 10), 10), '0.0000001000');
  assert.equal(exact('decimal', decimal(999_999_999_999_999n, 0), 0), '999999999999999');
  // Every digit, for any scale SQL Server allows (0..38), through tedious's double arithmetic.
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 5_000; i++) {
    const unscaled = BigInt(Math.floor(random() * 1e15)) * (random() < 0.5 ? -1n : 1n);
    const scale = Math.floor(random() * 39);
    assert.equal(exact('decimal', decimal(unscaled, scale), scale), decimalText(unscaled, scale), `${unscaled} at scale ${scale}`);
  }
});

test('a longer decimal is refused with the column and the fix, never rounded', () => {
  assert.throws(() => exactMssqlValue(decimal(1_000_000_000_000_000n, 0), { name: 'big_id', type: 'numeric', scale: 0 }), (error: unknown) => {
    assert.ok(error instanceof InexactValueError);
    assert.match(error.message, /column "big_id".*more than 15 significant digits.*CAST/);
    return true;
  });
  assert.throws(() => exact('decimal', decimal(12_345_678_901_234_567n, 2), 2), InexactValueError);
});

test('money and smallmoney have four decimals; bigint is already text; other values pass as they are', () => {
  const money = (unscaled: bigint) => decode('MoneyN', [8, ...le(BigInt.asUintN(32, unscaled >> 32n), 4), ...le(BigInt.asUintN(32, unscaled), 4)]);
  assert.equal(exact('money', money(123_400n)), '12.3400');
  assert.equal(exact('money', money(-1n)), '-0.0001');
  assert.throws(() => exact('money', money(9_223_372_036_854_775_807n)), InexactValueError);
  assert.equal(exact('smallmoney', decode('MoneyN', [4, ...le(BigInt.asUintN(32, -2_147_483_648n), 4)])), '-214748.3648');
  assert.equal(exact('bigint', decode('IntN', [8, ...le(BigInt.asUintN(64, 9_007_199_254_740_993n), 8)])), '9007199254740993');
  assert.equal(exact('int', 42), 42);
  assert.equal(exact('float', 0.1), 0.1);
  assert.equal(exact('nvarchar', 'Ёлка'), 'Ёлка');
  assert.equal(exact('datetime2', null, 7), null);
});

test('a row is converted column by column', () => {
  const columns: MssqlColumn[] = [
    { name: 'local_id', type: 'bigint' },
    { name: 'updated_at', type: 'datetime', scale: undefined },
    { name: 'amount', type: 'decimal', scale: 2 },
    { name: 'email', type: 'nvarchar' },
  ];
  const row = { local_id: '17', updated_at: new Date(Date.UTC(2026, 0, 1, 10, 0, 0, 7)), amount: 9.5, email: null };
  assert.deepEqual(exactMssqlRow(row, columns), { local_id: '17', updated_at: '2026-01-01T10:00:00.007', amount: '9.50', email: null });
});

test('ASCII text is bound as varchar (a varchar column keeps its index), other text as nvarchar', () => {
  assert.deepEqual(mssqlParameterOf('2026-01-01 10:00:00'), { type: 'varchar', length: 8000 });
  assert.deepEqual(mssqlParameterOf("'; DROP TABLE customers; --"), { type: 'varchar', length: 8000 });
  assert.deepEqual(mssqlParameterOf('Ёлка'), { type: 'nvarchar', length: 4000 });
  assert.deepEqual(mssqlParameterOf('é'.repeat(4001)), { type: 'nvarchar', length: 'max' });
  assert.deepEqual(mssqlParameterOf('a'.repeat(8001)), { type: 'varchar', length: 'max' });
  assert.equal(mssqlParameterOf(17), null);
  assert.equal(mssqlParameterOf(null), null);
});
