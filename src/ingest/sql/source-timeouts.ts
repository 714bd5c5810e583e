/**
 * How long a PostgreSQL or MySQL source may take: to connect, and to answer
 * one pack. Without limits, a server that accepts the connection and then
 * stays silent would hold a run (and the service's stop, which waits for
 * runs) for ever. The URL may set them like the MS SQL Server and Oracle
 * ones: `connectTimeout` and `queryTimeout` in milliseconds (`0`: none);
 * they are taken out of the URL the driver sees.
 */
export interface SourceTimeouts {
  /** The URL without the two options. */
  url: string;
  connectTimeoutMs: number;
  /** 0: none. */
  queryTimeoutMs: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
export const DEFAULT_QUERY_TIMEOUT_MS = 120_000;

export function takeTimeouts(url: string): SourceTimeouts {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS, queryTimeoutMs: DEFAULT_QUERY_TIMEOUT_MS };
  }
  const millis = (name: string, fallback: number) => {
    const raw = parsed.searchParams.get(name);
    parsed.searchParams.delete(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`source URL option ${name} must be a whole number of milliseconds, not "${raw}"`);
    return value;
  };
  const connectTimeoutMs = millis('connectTimeout', DEFAULT_CONNECT_TIMEOUT_MS);
  const queryTimeoutMs = millis('queryTimeout', DEFAULT_QUERY_TIMEOUT_MS);
  return { url: parsed.toString(), connectTimeoutMs, queryTimeoutMs };
}
