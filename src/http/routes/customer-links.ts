import { HouseError } from '../house-error.ts';
import { API_KEY_SECURITY } from '../api-key-security.ts';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { applyEvents } from '../../apply/apply-batch.ts';
import { identityLinkUndoneEvent } from '../../ingest/operator/identity-link-undone.ts';
import { hasActiveLink } from '../../profiles/read-profile-details.ts';
import { customerKeyOf, resolveCustomer } from '../../profiles/resolve-customer.ts';
import type { Store } from '../../store/db.ts';

const Params = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 300, description: 'Profile id `source:customerId` (e.g. `capillary:12345`)' }),
  otherId: Type.String({ minLength: 1, maxLength: 300, description: 'The linked profile (as listed in the profile\'s `links`)' }),
});

/** Undoing an identity link: the operator's word goes through the one writer, as an event. */
export function registerCustomerLinkRoutes(app: FastifyInstance, deps: { store: Store }): void {
  app.delete(
    '/v1/customers/:id/links/:otherId',
    {
      schema: {
        tags: ['customers'],
        summary: 'Undo an identity link between two profiles of different sources; the rule never re-creates an undone link',
        params: Params,
        response: { 404: HouseError },
        security: API_KEY_SECURITY,
      },
    },
    async (request, reply) => {
      const { id, otherId } = request.params as { id: string; otherId: string };
      const customer = await resolveCustomer(deps.store, request.workspaceId, customerKeyOf(id));
      const otherKey = customerKeyOf(otherId);
      if (!customer || !(await hasActiveLink(deps.store, request.workspaceId, customer.key, otherKey))) {
        return reply.code(404).send({ error: 'link_not_found', message: `${id} is not linked to ${otherId} in this workspace` });
      }
      await applyEvents(deps.store, request.workspaceId, [identityLinkUndoneEvent(request.workspaceId, customer.key, otherKey, new Date().toISOString())]);
      return { customerId: customer.key, unlinkedFrom: otherKey };
    },
  );
}
