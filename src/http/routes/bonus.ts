import { HouseError } from '../house-error.ts';
import { API_KEY_SECURITY } from '../api-key-security.ts';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { acceptCommand } from '../../bonus/accept-commands.ts';
import { authoriseCustomer } from '../../bonus/authorise-customer.ts';
import { readCommandOutcome } from '../../bonus/commands-table.ts';
import {
  AuthorisationAnswer,
  BonusCustomerSchema,
  CommandAnswer,
  CommandBody,
  CommandOutcome,
  COMMAND_BODY_LIMIT,
} from '../../bonus/command-schemas.ts';
import { readBonusAccount } from '../../bonus/read-bonus-account.ts';
import { readOperations } from '../../bonus/read-operations.ts';
import { validateCommand } from '../../bonus/validate-command.ts';
import type { Store } from '../../store/db.ts';
import { bodyText } from '../body-text.ts';
import { writeExactJson } from '../exact-json.ts';

const security = API_KEY_SECURITY;
const UniqIdParams = Type.Object({ uniqId: Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000]+$', description: 'The customer\'s uniqId (login)' }) });
// Balances and totals are written with every digit the ledger has (exact-json.ts), not as doubles.
const exactDecimals = () => writeExactJson;
const customerNotFound = (uniqId: string) => ({ error: 'customer_not_found', message: `no bonus customer ${uniqId} in this workspace` });

/**
 * The bonus command API. The command endpoint speaks the partner's wire
 * format (typeOfCommand, results[] of login/guid/status/error), including for
 * a command refused whole; the other endpoints answer like the rest of the API.
 */
export function registerBonusRoutes(app: FastifyInstance, deps: { store: Store }): void {
  const { store } = deps;
  void app.register(async (scope) => {
    // The command's body is read as text and checked by validateCommand, so a
    // malformed command or item gets the documented per-item answer instead of
    // the framework's generic 400. Only in this scope.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: COMMAND_BODY_LIMIT }, (_request, body, done) => done(null, body));

    scope.post(
      '/v1/bonus/commands',
      {
        bodyLimit: COMMAND_BODY_LIMIT,
        // The schema documents the body; validation is validateCommand's (per item, not all-or-nothing).
        validatorCompiler: () => () => true,
        schema: {
          tags: ['bonus'],
          summary:
            'Run a bonus command: addCustomerPointMessage, blockCustomers, activateCustomers (asynchronous: the answer is the format verdict of each item; the background applies them) or getBonusOperationExt (synchronous read of the ledger)',
          body: CommandBody,
          response: { 200: CommandAnswer, 400: CommandAnswer, 415: CommandAnswer },
          security,
        },
      },
      async (request, reply) => {
        const text = bodyText((request.body as Buffer | undefined) ?? Buffer.alloc(0), request.headers['content-type']);
        if (!text.ok) return reply.code(text.error.status).send({ status: 'Failure', error: { typeOfError: 'invalidJson', description: text.error.message }, results: [] });
        const command = validateCommand(text.value);
        if (!command.ok) return reply.code(400).send({ status: 'Failure', error: command.error, results: [] });
        const valid = command.value;
        if (valid.typeOfCommand === 'getBonusOperationExt') {
          // Only this answer carries ledger decimals; the others keep the schema's compiled serializer.
          reply.serializer(writeExactJson);
          return { status: 'Success', error: null, ...(await readOperations(store, request.workspaceId, valid.query)) };
        }
        const accepted = await acceptCommand(store, request.workspaceId, valid);
        return { status: 'Success', error: null, ...accepted };
      },
    );

    scope.get(
      '/v1/bonus/commands/:commandId',
      {
        schema: {
          tags: ['bonus'],
          summary: "A command's outcome: each item Queued, or Success / Failure as the background process decided",
          params: Type.Object({ commandId: Type.String({ format: 'uuid' }) }),
          response: { 200: CommandOutcome, 404: HouseError },
          security,
        },
      },
      async (request, reply) => {
        const { commandId } = request.params as { commandId: string };
        const outcome = await readCommandOutcome(store, request.workspaceId, commandId);
        if (!outcome) return reply.code(404).send({ error: 'command_not_found', message: `no bonus command ${commandId} in this workspace` });
        return outcome;
      },
    );

    scope.get(
      '/v1/bonus/customers/:uniqId',
      {
        schema: {
          tags: ['bonus'],
          summary: "A bonus customer's status and balance (the sum of the ledger operations)",
          params: UniqIdParams,
          response: { 200: BonusCustomerSchema, 404: HouseError },
          security,
        },
        serializerCompiler: exactDecimals,
      },
      async (request, reply) => {
        const { uniqId } = request.params as { uniqId: string };
        const account = await readBonusAccount(store, request.workspaceId, uniqId);
        return account ?? reply.code(404).send(customerNotFound(uniqId));
      },
    );

    scope.post(
      '/v1/bonus/customers/:uniqId/authorisations',
      {
        schema: {
          tags: ['bonus'],
          summary:
            'A customer authorised (unique link or own login): activates a New customer and returns the information messages to show, counting the showing. 403 customer_blocked for a Blocked customer.',
          params: UniqIdParams,
          response: { 200: AuthorisationAnswer, 403: HouseError, 404: HouseError },
          security,
        },
        serializerCompiler: exactDecimals,
      },
      async (request, reply) => {
        const { uniqId } = request.params as { uniqId: string };
        const authorisation = await authoriseCustomer(store, request.workspaceId, uniqId);
        if (authorisation.ok) return authorisation.value;
        if (authorisation.error === 'customer_blocked') {
          return reply.code(403).send({ error: 'customer_blocked', message: `customer ${uniqId} is blocked; only activateCustomers unblocks it` });
        }
        return reply.code(404).send(customerNotFound(uniqId));
      },
    );
  });
}
