import { Type } from '@sinclair/typebox';

/** Every error answer of the API: a stable code to branch on and a message saying what to do. */
export const HouseError = Type.Object(
  { error: Type.String({ description: 'a stable code (customer_not_found, invalid_request ...)' }), message: Type.String() },
  { description: 'an error, with its reason' },
);
