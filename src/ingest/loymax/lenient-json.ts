/** `json`: the text the value was read from when it is plain JSON (no byte order mark, no repair); null otherwise. */
export type JsonParseResult = { ok: true; value: unknown; json: string | null } | { ok: false; error: string };

// Matches a whole string literal (kept as is) or a comma followed only by
// whitespace and a closing bracket (dropped).
const TRAILING_COMMA = /("(?:[^"\\]|\\.)*")|,(\s*[}\]])/g;

/**
 * JSON.parse that also takes the one flaw the contract's own examples show:
 * a trailing comma before a closing brace (the merge model in seed 001).
 * Anything else that is not JSON stays an error.
 */
export function parseLenientJson(text: string): JsonParseResult {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(input), json: input };
  } catch (error) {
    try {
      return { ok: true, value: JSON.parse(input.replace(TRAILING_COMMA, (_m, str: string | undefined, close: string | undefined) => str ?? close ?? '')), json: null };
    } catch {
      return { ok: false, error: (error as Error).message };
    }
  }
}
