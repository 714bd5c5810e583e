import { HouseError } from '../house-error.ts';
import { API_KEY_SECURITY } from '../api-key-security.ts';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { listEventsOfCustomers } from '../../events/event-log.ts';
import { findCustomerKeys, type LookupKind } from '../../profiles/find-customers.ts';
import { readProfile } from '../../profiles/read-profile.ts';
import { registerCustomerLinkRoutes } from './customer-links.ts';
import { readPurchases, readUnlinkedRefunds } from '../../profiles/read-purchases.ts';
import { customerKeyOf, resolveCustomer } from '../../profiles/resolve-customer.ts';
import type { Store } from '../../store/db.ts';
import { writeExactJson } from '../exact-json.ts';

const CustomerParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 300, description: 'Profile id `source:customerId` (e.g. `loymax:121`); a bare customerId means a Loymax one' }),
});
const Page = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
};
const LookupQuery = Type.Object({
  cardNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  phone: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  email: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  uid: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'customerUid or customerCode' })),
  externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'a Capillary (instore) external id' })),
  cardExternalId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  accountId: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'an account id on a channel (wechat, facebook, line …); narrow with channel' })),
  identifier: Type.Optional(Type.String({ minLength: 3, maxLength: 330, pattern: '^[^:]+:.+$', description: '`type:value`, any identifier type a source reported (e.g. `unionId:abc`); narrow with channel' })),
  channel: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'with accountId or identifier: only this channel' })),
});
const LOOKUP_FIELDS = ['cardNumber', 'phone', 'email', 'uid', 'externalId', 'cardExternalId', 'accountId', 'identifier'] as const;

const splitIdentifier = (text: string): [string, string] => [text.slice(0, text.indexOf(':')), text.slice(text.indexOf(':') + 1)];
const notFound = (id: string) => ({ error: 'customer_not_found', message: `no customer ${id} in this workspace` });
const security = API_KEY_SECURITY;

/** The read API over profiles. Every query is scoped to the caller's workspace. */
export function registerCustomerRoutes(app: FastifyInstance, deps: { store: Store }): void {
  const db = deps.store;

  app.get(
    '/v1/customers/:id',
    {
      schema: {
        tags: ['customers'],
        summary: 'One customer profile. A profile merged away answers with the profile it was merged into (resolvedFrom says so).',
        params: CustomerParams,
        response: { 404: HouseError },
        security,
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const customer = await resolveCustomer(db, request.workspaceId, customerKeyOf(id));
      const profile = customer && (await readProfile(db, request.workspaceId, customer));
      if (!profile) return reply.code(404).send(notFound(id));
      // the bonus balance is written with every digit the ledger has
      reply.serializer(writeExactJson);
      return profile;
    },
  );

  app.get(
    '/v1/customers',
    {
      schema: {
        tags: ['customers'],
        summary: 'Find profiles by exactly one identifier: card number (or barcode), phone, e-mail, uid, external id, card external id, channel account id or any reported identifier',
        querystring: LookupQuery,
        response: { 400: HouseError },
        security,
      },
    },
    async (request, reply) => {
      const query = request.query as Partial<Record<(typeof LOOKUP_FIELDS)[number] | 'channel', string>>;
      const given = LOOKUP_FIELDS.filter((k) => query[k] !== undefined);
      if (given.length !== 1) {
        return reply.code(400).send({ error: 'invalid_request', message: `give exactly one of ${LOOKUP_FIELDS.join(', ')}` });
      }
      const field = given[0]!;
      if (query.channel !== undefined && field !== 'accountId' && field !== 'identifier') {
        return reply.code(400).send({ error: 'invalid_request', message: 'channel narrows accountId or identifier only' });
      }
      const kind: LookupKind = field === 'cardNumber' ? 'card' : field;
      const [identifierType, identifierValue] = field === 'identifier' ? splitIdentifier(query.identifier!) : [undefined, query[field]!];
      const keys = await findCustomerKeys(db, request.workspaceId, kind, identifierValue, { channel: query.channel, identifierType });
      const profiles = [];
      for (const key of keys) {
        const customer = await resolveCustomer(db, request.workspaceId, key);
        const profile = customer && (await readProfile(db, request.workspaceId, customer));
        if (profile) profiles.push(profile);
      }
      reply.serializer(writeExactJson);
      return { customers: profiles };
    },
  );

  app.get(
    '/v1/customers/:id/events',
    {
      schema: {
        tags: ['customers'],
        summary: "The customer's events from the log, newest first (including those of profiles merged into it)",
        params: CustomerParams,
        response: { 404: HouseError },
        querystring: Type.Object({ ...Page, beforeSeq: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Page: events older than this seq' })) }),
        security,
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { limit, beforeSeq } = request.query as { limit: number; beforeSeq?: number };
      const customer = await resolveCustomer(db, request.workspaceId, customerKeyOf(id));
      if (!customer) return reply.code(404).send(notFound(id));
      const events = await listEventsOfCustomers(db, request.workspaceId, customer.memberKeys, { limit, beforeSeq });
      const last = events.at(-1);
      return { customerId: customer.key, events, nextBeforeSeq: events.length === limit && last ? last.seq : null };
    },
  );

  app.get(
    '/v1/customers/:id/purchases',
    {
      schema: {
        tags: ['customers'],
        summary: "The customer's purchases, newest first, each with its cheque items, withdrawals, rewards and linked refunds",
        params: CustomerParams,
        response: { 404: HouseError },
        querystring: Type.Object({
          ...Page,
          before: Type.Optional(Type.String({ format: 'date-time', description: 'Page: purchases before this time (the last one shown: nextPage.before)' })),
          beforePurchaseId: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                'with before: also purchases at that time whose id sorts before this one (nextPage.beforePurchaseId), so none sharing a time is skipped; alone: purchases without a time (listed after all dated ones) whose id sorts before this one',
            }),
          ),
        }),
        security,
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { limit, before, beforePurchaseId } = request.query as { limit: number; before?: string; beforePurchaseId?: string };
      const customer = await resolveCustomer(db, request.workspaceId, customerKeyOf(id));
      if (!customer) return reply.code(404).send(notFound(id));
      const [purchases, unlinkedRefunds] = await Promise.all([
        readPurchases(db, request.workspaceId, customer.key, { limit, before, beforePurchaseId }),
        readUnlinkedRefunds(db, request.workspaceId, customer.key),
      ]);
      const last = purchases.length === limit ? purchases[purchases.length - 1] : undefined;
      // A purchase without a time (its message had none) pages by its id alone: they come after all dated ones.
      const nextPage = !last ? null : last.occurredAt ? { before: last.occurredAt, beforePurchaseId: last.purchaseId } : { beforePurchaseId: last.purchaseId };
      return { customerId: customer.key, purchases, unlinkedRefunds, nextPage };
    },
  );

  registerCustomerLinkRoutes(app, deps);
}
