import { fail, ok, type Result } from '../result.ts';

export interface BodyTextProblem {
  status: 400 | 415;
  code: 'unsupported_charset' | 'invalid_utf8';
  message: string;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
// ASCII is UTF-8; so is a body that names no charset (JSON is UTF-8, RFC 8259).
const UTF8_NAMES = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

/**
 * A request body as text, for the endpoints that read their bodies
 * themselves (webhooks, bonus commands). Only UTF-8 is read: a body
 * declared in another charset, or bytes that are not UTF-8, are refused
 * with the reason, never stored with replacement characters.
 */
export function bodyText(raw: Buffer, contentType: string | undefined): Result<string, BodyTextProblem> {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && !UTF8_NAMES.has(charset)) {
    return fail({ status: 415, code: 'unsupported_charset', message: `the body is declared as ${charset}; send it in UTF-8` });
  }
  try {
    return ok(UTF8.decode(raw));
  } catch {
    return fail({ status: 400, code: 'invalid_utf8', message: 'the body is not valid UTF-8; send it in UTF-8' });
  }
}
