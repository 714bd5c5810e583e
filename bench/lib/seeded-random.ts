// Deterministic randomness for bench data. Math.random is never used so a
// seed reproduces a run byte for byte (a bench regression can be replayed).

/** mulberry32: tiny, fast, good enough for synthetic data (not crypto). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * murmur3's 32-bit finalizer. It is a bijection on uint32, which is what makes
 * ids built from it unique: distinct inputs can never collide.
 */
export function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A per-purpose salt, so message ids and activity ids never share a sequence. */
export function saltFor(purpose: number, seed: number): number {
  return mix32(purpose ^ mix32(seed ^ 0x5bd1e995));
}

// Byte-to-hex lookup: toString(16) + padStart was 40% of generation time.
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const hexByte = (value: number): string => HEX_BYTES[value & 0xff]!;
const hex16 = (word: number): string => hexByte(word >>> 8) + hexByte(word);
const hex32 = (word: number): string => hex16(word >>> 16) + hex16(word);

/**
 * A v4-looking uuid that is unique for each `unique` (< 2^32) under one salt:
 * the first 32 bits are a bijection of `unique`; the rest only decorate it.
 */
export function uuidFromUnique(unique: number, salt: number): string {
  const w0 = mix32((unique ^ salt) >>> 0);
  const w1 = mix32(w0 ^ salt ^ 0x9e3779b9);
  const w2 = mix32(w1 ^ 0x7f4a7c15);
  const w3 = mix32(w2 ^ 0x94d049bb);
  const version4 = 0x4000 | (w1 & 0x0fff);
  const variant = 0x8000 | ((w2 >>> 16) & 0x3fff);
  return `${hex32(w0)}-${hex16(w1 >>> 16)}-${hex16(version4)}-${hex16(variant)}-${hex16(w2)}${hex32(w3)}`;
}

export function pickOne<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** Pick from `[item, weight]` pairs; weights need not sum to anything. */
export function pickWeighted<T>(table: ReadonlyArray<readonly [T, number]>, random: () => number): T {
  let total = 0;
  for (const [, weight] of table) total += weight;
  let roll = random() * total;
  for (const [item, weight] of table) {
    roll -= weight;
    if (roll < 0) return item;
  }
  return table[table.length - 1]![0];
}
