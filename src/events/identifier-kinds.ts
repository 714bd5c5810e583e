/**
 * The identifier kinds every source maps its own names onto, so that a phone
 * from one source and a mobile from another are the same kind of thing for
 * lookups and identity links. Names a source uses that are not listed here
 * are kept as the source spells them.
 */
export const IDENTIFIER_KINDS = ['card', 'phone', 'email', 'externalId', 'cardExternalId', 'accountId'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** The kinds identity links may use (the rule picks among them). */
export const LINKABLE_KINDS = ['card', 'externalId', 'phone', 'email'] as const;
export type LinkableKind = (typeof LINKABLE_KINDS)[number];
export const DEFAULT_LINK_KINDS: readonly LinkableKind[] = ['card', 'externalId'];

const SYNONYMS: Record<string, IdentifierKind> = {
  card: 'card',
  cardnumber: 'card',
  card_number: 'card',
  phone: 'phone',
  mobile: 'phone',
  mobilenumber: 'phone',
  mobile_number: 'phone',
  phonenumber: 'phone',
  email: 'email',
  emailid: 'email',
  email_id: 'email',
  'e-mail': 'email',
  externalid: 'externalId',
  external_id: 'externalId',
  cardexternalid: 'cardExternalId',
  card_external_id: 'cardExternalId',
  accountid: 'accountId',
  account_id: 'accountId',
};

/** A source's name for an identifier type, as a canonical kind where one fits. */
export function identifierKindOf(name: string): string {
  const trimmed = name.trim();
  return SYNONYMS[trimmed.toLowerCase()] ?? trimmed;
}
