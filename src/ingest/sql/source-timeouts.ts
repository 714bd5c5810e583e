import { UrlOptions } from './source-url.ts';

/**
 * How long a source may take: to connect, and to answer one pack. Without
 * limits, a server that accepts the connection and then stays silent would
 * hold a run (and the service's stop, which waits for runs) for ever. Every
 * connector's URL sets them the same way: `connectTimeout` and
 * `queryTimeout` in milliseconds (`queryTimeout=0`: none).
 */
export interface Timeouts {
  connectTimeoutMs: number;
  /** 0: none. */
  queryTimeoutMs: number;
}

/** The two options, read with the connector's other URL options. */
export function readTimeouts(read: UrlOptions): Timeouts {
  return {
    connectTimeoutMs: read.millis('connectTimeout', 15_000),
    queryTimeoutMs: read.millis('queryTimeout', 120_000, 'no limit'),
  };
}

/**
 * For the PostgreSQL and MySQL drivers, which take the URL itself: the two
 * options are taken out of the URL the driver sees. Throws on a value that
 * is not one (the job check reports it before a run).
 */
export function takeTimeouts(url: string): Timeouts & { url: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, ...readTimeouts(new UrlOptions(new Map())) };
  }
  const given = new Map<string, string>();
  for (const name of ['connectTimeout', 'queryTimeout']) {
    const value = parsed.searchParams.get(name);
    if (value !== null) given.set(name, value);
    parsed.searchParams.delete(name);
  }
  const read = new UrlOptions(given);
  const timeouts = readTimeouts(read);
  if (read.problems.length > 0) throw new Error(`source URL: ${read.problems.join('; ')}`);
  return { url: parsed.toString(), ...timeouts };
}
