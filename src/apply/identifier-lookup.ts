import { normaliseEmail, normalisePhone } from './reduce-segment.ts';

/**
 * The form an identifier is stored and searched by: phones compare by their
 * digits (a "phone" without any is kept as written), e-mails
 * case-insensitively, everything else exactly as given.
 */
export function lookupValueOf(kind: string, value: string): string {
  if (value === '') return '';
  if (kind === 'phone') return normalisePhone(value) || value.trim();
  if (kind === 'email') return normaliseEmail(value);
  return value.trim();
}
