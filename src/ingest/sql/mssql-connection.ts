import { isIP } from 'node:net';
import type { config as MssqlPoolConfig } from 'mssql';
import { fail, ok, type Result } from '../../result.ts';
import { readSourceUrl, UrlOptions } from './source-url.ts';
import { readTimeouts } from './source-timeouts.ts';

/**
 * How smartcom reaches an MS SQL Server source, from the job's URL:
 *
 *     mssql://user:password@host[:port][/database][?option=value&…]
 *
 * (`sqlserver://` too). SQL Server authentication only (user and password);
 * Windows / Entra ID logins are not supported. Options:
 * - `encrypt` (default true) and `trustServerCertificate` (default false):
 *   TLS, with the server's certificate checked unless told otherwise;
 * - `instanceName`: a named instance, found through the SQL Browser service
 *   (then leave the port out);
 * - `connectTimeout` (ms, default 15000) and `queryTimeout` (ms, default
 *   120000; 0 = none): how long a connection attempt and one pack may take.
 */
export const MSSQL_URL_FORM = 'mssql://user:password@host[:port][/database][?encrypt=true&trustServerCertificate=false&instanceName=…&connectTimeout=…&queryTimeout=…]';
const OPTIONS = ['encrypt', 'trustServerCertificate', 'instanceName', 'connectTimeout', 'queryTimeout'] as const;

export interface MssqlSettings {
  server: string;
  port: number | undefined;
  instanceName: string | undefined;
  database: string | undefined;
  user: string;
  password: string;
  encrypt: boolean;
  trustServerCertificate: boolean;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
}

export function parseMssqlUrl(url: string): Result<MssqlSettings, string[]> {
  const parts = readSourceUrl(url, ['mssql', 'sqlserver'], MSSQL_URL_FORM);
  if (!parts.ok) return parts;
  const { user, password, host, port, path, options } = parts.value;
  const read = new UrlOptions(options);
  const settings: MssqlSettings = {
    server: host,
    port,
    instanceName: read.text('instanceName'),
    database: path === '' ? undefined : path,
    user,
    password,
    encrypt: read.boolean('encrypt', true),
    trustServerCertificate: read.boolean('trustServerCertificate', false),
    ...readTimeouts(read),
  };
  const problems = read.finish(OPTIONS);
  if (path.includes('/')) problems.push(`the path is the database name alone, not "${path}"`);
  if (settings.instanceName !== undefined && port !== undefined) problems.push('give a port or an instanceName, not both (a named instance is found through the SQL Browser)');
  return problems.length > 0 ? fail(problems) : ok(settings);
}

/**
 * The pool the connector opens for these settings. With `address`, it
 * connects there and keeps the URL's host as the TLS server name (the
 * certificate is checked against it).
 */
export function mssqlPoolConfig(settings: MssqlSettings, address?: string): MssqlPoolConfig {
  return {
    server: address ?? settings.server,
    ...(settings.port !== undefined ? { port: settings.port } : {}),
    ...(settings.database !== undefined ? { database: settings.database } : {}),
    user: settings.user,
    password: settings.password,
    connectionTimeout: settings.connectTimeoutMs,
    requestTimeout: settings.queryTimeoutMs,
    // A job reads one pack at a time; two connections leave room for a second job on the same source.
    pool: { max: 2, min: 0, idleTimeoutMillis: 30_000 },
    options: {
      encrypt: settings.encrypt,
      trustServerCertificate: settings.trustServerCertificate,
      ...(settings.instanceName !== undefined ? { instanceName: settings.instanceName } : {}),
      ...(address !== undefined && !isIP(settings.server) ? { serverName: settings.server } : {}),
      // Date-times without a zone are read as UTC wall-clock values, so their
      // text is the server's own whatever the process's time zone (mssql-values.ts).
      useUTC: true,
      appName: 'smartcom',
    },
  };
}
