/**
 * How the OpenAPI description says a route needs a workspace API key: as a
 * bearer token or in the X-Api-Key header (auth.ts accepts either).
 */
export const API_KEY_SCHEMES = {
  apiKey: { type: 'http', scheme: 'bearer', description: 'A workspace API key (`smartcom keys create`)' },
  apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'The same workspace API key, in a header of its own' },
} as const;

/** Either scheme will do (OpenAPI: alternatives are separate entries). */
export const API_KEY_SECURITY: Array<Record<string, string[]>> = [{ apiKey: [] }, { apiKeyHeader: [] }];
