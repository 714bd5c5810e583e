import { fail, ok, type Result } from '../../result.ts';
import { readSourceUrl, UrlOptions } from './source-url.ts';
import { readTimeouts } from './source-timeouts.ts';

/**
 * How smartcom reaches an Oracle source, from the job's URL:
 *
 *     oracle://user:password@host[:port]/service_name[?option=value&…]
 *
 * node-oracledb in Thin mode (pure JavaScript, no Instant Client). Port 1521
 * by default; the path is the service name (not a SID). Options:
 * - `protocol`: `tcp` (default) or `tcps` (TLS; the server certificate is
 *   checked against the system's certificate authorities);
 * - `connectTimeout` (ms, default 15000) and `queryTimeout` (ms, default
 *   120000; 0 = none): how long a connection attempt and one pack may take.
 */
export const ORACLE_URL_FORM = 'oracle://user:password@host[:port]/service_name[?protocol=tcps&connectTimeout=…&queryTimeout=…]';
const OPTIONS = ['protocol', 'connectTimeout', 'queryTimeout'] as const;
const SERVICE_NAME = /^[A-Za-z0-9_.$#-]+$/;

export interface OracleSettings {
  user: string;
  password: string;
  /** Easy Connect: [tcps://]host:port/service_name */
  connectString: string;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
}

/**
 * With `address`, the connect string names it instead of the URL's host,
 * over plain TCP only: Thin mode checks a tcps server's certificate against
 * the connect string's host, which an address would fail. The host check
 * refuses no address for Oracle (the store is PostgreSQL), so a tcps job
 * loses nothing by keeping its name.
 */
export function parseOracleUrl(url: string, address?: string): Result<OracleSettings, string[]> {
  const parts = readSourceUrl(url, ['oracle'], ORACLE_URL_FORM);
  if (!parts.ok) return parts;
  const { user, password, host, port, path, options } = parts.value;
  const read = new UrlOptions(options);
  const protocol = read.oneOf('protocol', ['tcp', 'tcps'], 'tcp');
  const { connectTimeoutMs, queryTimeoutMs } = readTimeouts(read);
  const problems = read.finish(OPTIONS);
  if (path === '') problems.push(`no service name: ${ORACLE_URL_FORM}`);
  else if (!SERVICE_NAME.test(path)) problems.push(`"${path}" is not a service name (letters, digits, _ . $ # -)`);
  if (problems.length > 0) return fail(problems);
  const target = protocol === 'tcp' && address !== undefined ? address : host;
  const hostPart = target.includes(':') ? `[${target}]` : target;
  return ok({
    user,
    password,
    connectString: `${protocol === 'tcps' ? 'tcps://' : ''}${hostPart}:${port ?? 1521}/${path}`,
    connectTimeoutMs,
    queryTimeoutMs,
  });
}

/** The pool the connector opens (node-oracledb createPool attributes; timeouts there are whole seconds). */
export function oraclePoolAttributes(settings: OracleSettings) {
  const seconds = Math.max(1, Math.ceil(settings.connectTimeoutMs / 1000));
  return {
    user: settings.user,
    password: settings.password,
    connectString: settings.connectString,
    // A job reads one pack at a time; two connections leave room for a second job on the same source.
    poolMin: 0,
    poolMax: 2,
    poolIncrement: 1,
    poolTimeout: 60,
    connectTimeout: seconds,
    transportConnectTimeout: seconds,
  };
}
