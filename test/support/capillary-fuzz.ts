import { createRandom, pickOne } from '../../bench/lib/seeded-random.ts';
import { capillarySeedExamples, inForm, toFlat, type EnvelopeForm } from '../fixtures/capillary/index.ts';

/**
 * Deterministic random and mutated webhook bodies, grown from the
 * documentation's examples: values replaced by hostile ones (NUL, lone
 * surrogates, huge numbers, long strings, deep nesting, wrong types), keys
 * dropped or misspelt, events batched, JSON text cut, bytes flipped, plain
 * garbage. What a fuzz run asserts is that none of it gets a 5xx.
 */

const deep = (levels: number): unknown => (levels === 0 ? 'bottom' : { deeper: deep(levels - 1) });

const HOSTILE: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '😀',
  'x'.repeat(300),
  'x'.repeat(20_000),
  "' OR 1=1 --",
  '{"nested":"json"}',
  '1683874799971',
  '2025-13-45T99:99:99Z',
  {},
  [],
  [null],
  { accounts: 5 },
  { accounts: [{ accountId: {}, identifiers: [{ identifierType: 'x'.repeat(100), identifierValue: 1 }] }] },
  { accounts: [{ accountId: 'ok', identifiers: 'no' }] },
  Array.from({ length: 150 }, (_, i) => i),
  deep(40),
  deep(20),
  { customerId: 'x'.repeat(70) },
  { customerId: -5 },
  { customerId: 1.25 },
];

type Json = Record<string, unknown> | unknown[];

function paths(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return out;
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    out.push([...prefix, key]);
    if (out.length < 400) paths(child, [...prefix, key], out);
  }
  return out;
}

function mutate(root: Json, random: () => number, eventIds: readonly string[]): void {
  const all = paths(root);
  if (all.length === 0) return;
  const path = pickOne(all, random);
  let holder: any = root;
  for (const key of path.slice(0, -1)) holder = holder[key];
  const key = path[path.length - 1]!;
  const roll = random();
  if (roll < 0.15 && !Array.isArray(holder)) delete holder[key];
  else if (roll < 0.25 && !Array.isArray(holder)) {
    holder[`${String(key)}${pickOne(['_', ' ', 'X', ''], random)}`] = holder[key];
    delete holder[key];
  } else if (roll < 0.3) holder[key] = pickOne(eventIds, random);
  else if (roll < 0.35) holder[key] = Math.floor(random() * 2 ** 40) * (random() < 0.5 ? -1 : 1);
  else if (roll < 0.4) holder[key] = String.fromCharCode(...Array.from({ length: 1 + Math.floor(random() * 30) }, () => Math.floor(random() * 0xffff)));
  else holder[key] = structuredClone(pickOne(HOSTILE, random));
}

const FORMS: EnvelopeForm[] = ['flat', 'attributes', 'wrapped'];

/** One fuzz body (text or raw bytes). */
export function createFuzzer(seed: number) {
  const random = createRandom(seed);
  const eventIds = Array.from({ length: 50 }, (_, i) => `fuzz-dup-${i}`);
  let unique = 0;

  function event(): Json {
    const example = pickOne(capillarySeedExamples, random);
    const eventId = random() < 0.3 ? pickOne(eventIds, random) : `fuzz-${seed}-${++unique}`;
    const value = inForm(toFlat(example), pickOne(FORMS, random), eventId) as Json;
    const mutations = random() < 0.15 ? 0 : 1 + Math.floor(random() * 4);
    for (let i = 0; i < mutations; i++) mutate(value, random, eventIds);
    return value;
  }

  /** A body and how many events it holds (garbage counts as one). */
  return function next(): { body: string | Buffer; events: number } {
    const roll = random();
    if (roll < 0.7) return { body: JSON.stringify(event()), events: 1 };
    if (roll < 0.8) {
      const batch = Array.from({ length: 1 + Math.floor(random() * 20) }, event);
      return { body: JSON.stringify(batch), events: batch.length };
    }
    const text = JSON.stringify(event());
    if (roll < 0.85) return { body: text.slice(0, Math.floor(random() * text.length)), events: 1 };
    if (roll < 0.9) {
      const bytes = Buffer.from(text);
      for (let i = 0; i < 1 + Math.floor(random() * 10); i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      return { body: bytes, events: 1 };
    }
    if (roll < 0.95) return { body: Buffer.from(Array.from({ length: Math.floor(random() * 2000) }, () => Math.floor(random() * 256))), events: 1 };
    const odd = ['null', '1', '"x"', '{}', '[[]]', '{"events":{}}', '{"events":[]}', '{"data":{"data":{"data":{"data":{}}}}}', '[{}, null, 5]'];
    return { body: pickOne(odd, random), events: 1 };
  };
}
