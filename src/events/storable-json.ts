import { fail, ok, type Result } from '../result.ts';

/** Deeper than this, a payload is refused before PostgreSQL's own (much later, much costlier) limit. */
export const MAX_PAYLOAD_DEPTH = 32;

export interface UnstorableReason {
  code: 'unstorable_text' | 'too_deep';
  reason: string;
}

/**
 * PostgreSQL refuses to store some things JSON allows: the NUL character and
 * unpaired UTF-16 surrogates (in jsonb and text alike), and very deep
 * nesting. A payload holding them is bad input, rejected with its reason by
 * the adapter, never a failing store transaction (which would be retried,
 * and would hold up the events around it).
 */
export function checkStorable(root: unknown): Result<true, UnstorableReason> {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return fail({ code: 'unstorable_text', reason: 'a string holds a NUL character or an unpaired surrogate' });
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_PAYLOAD_DEPTH) return fail({ code: 'too_deep', reason: `the event nests deeper than ${MAX_PAYLOAD_DEPTH} levels` });
      if (Array.isArray(value)) {
        for (const element of value) stack.push([element, depth + 1]);
      } else {
        for (const [key, element] of Object.entries(value)) {
          if (!isStorableText(key)) return fail({ code: 'unstorable_text', reason: 'a key holds a NUL character or an unpaired surrogate' });
          stack.push([element, depth + 1]);
        }
      }
    }
  }
  return ok(true);
}

/**
 * checkStorable for a value parsed from JSON text, answered from the text
 * when it can be: a NUL or a lone surrogate in the value can only come from
 * a \u escape (JSON allows neither raw, and the text is well-formed UTF-8),
 * and the brackets outside strings give the depth. Only a text holding such
 * an escape is walked, value by value.
 */
export function checkStorableJson(text: string | null, value: unknown): Result<true, UnstorableReason> {
  if (text === null || hasRiskyEscape(text)) return checkStorable(value);
  if (jsonDepth(text) > MAX_PAYLOAD_DEPTH) return fail({ code: 'too_deep', reason: `the event nests deeper than ${MAX_PAYLOAD_DEPTH} levels` });
  return ok(true);
}

// \u0000, or a \u escape of a surrogate (D800-DFFF), in any case; an escaped backslash before "u" makes it a false alarm, then the walk decides.
const RISKY_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/**
 * Whether a JSON text holds an escape PostgreSQL's JSON functions refuse
 * (NUL, a surrogate). Such a text is not stored as sent even when its value
 * is fine: with a key given twice, the text can hold a value the parsed
 * value dropped, and reading the stored document would then fail.
 */
export const hasRiskyEscape = (text: string): boolean => RISKY_ESCAPE.test(text);

/** How deep a JSON text nests (its brackets outside strings). */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one: text that is not well-formed UTF-16.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);
// A NUL, or a lone surrogate.
const UNSTORABLE = new RegExp(`\\u0000|${LONE_SURROGATE.source}`);
export const isStorableText = (text: string): boolean => !UNSTORABLE.test(text);

/**
 * Text made storable for a report (a rejected row's key, a reason quoting a
 * cut value): NUL becomes the two characters \0, a lone surrogate U+FFFD.
 */
export const toStorableText = (text: string): string =>
  text.replace(new RegExp(UNSTORABLE.source, 'g'), (found) => (found === '\u0000' ? '\\0' : '\ufffd'));
