import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import pg from 'pg';
import type { SqlDialect } from '../ingest/sql/sql-source.ts';
import { fail, ok, type Result } from '../result.ts';

/**
 * Which servers a job defined over the HTTP API may read. An API key belongs
 * to one workspace; without this check its holder could point a job at the
 * hub's own database (or a local socket with trust authentication) and
 * import other workspaces' rows into its own. Job files are the operator's
 * and are not checked.
 */
export interface ApiJobHostRule {
  /** Host names API jobs may connect to (SQL_IMPORT_API_HOSTS); empty: any host but the store's. */
  allowedHosts: readonly string[];
  /** The store's own URL (DATABASE_URL), never a source; unset with the embedded store. */
  storeUrl: string | undefined;
  /** A host name's addresses (default: the system resolver, as the drivers use); tests give their own. */
  resolve?: Resolve;
}

/**
 * The addresses an API job's run may connect to: those the check approved,
 * in the resolver's order. Empty when the name resolves to nothing now (a
 * job may be saved before its name exists; it cannot run then).
 */
export interface ApprovedHost {
  addresses: readonly string[];
}

export function parseAllowedHosts(list: string | undefined): string[] {
  return (list ?? '').split(',').map((host) => host.trim().toLowerCase()).filter((host) => host !== '');
}

// The URL options an API job may use. Anything else could name another
// host, user or database than the URL shows, a file on smartcom's machine
// (the pg driver reads sslkey/sslcert/sslrootcert files; mysql2 can load
// local files), so only these are accepted, spelled exactly as the drivers read them
// (`SSLMODE=require` would pass a case-blind check and be ignored by pg: no TLS).
const ALLOWED_OPTIONS: Readonly<Record<string, ReadonlySet<string>>> = {
  postgres: new Set(['sslmode', 'application_name', 'connectTimeout', 'queryTimeout']),
  mysql: new Set(['ssl', 'charset', 'connectTimeout', 'queryTimeout']),
};

/**
 * The problem with an API job's source URL, or null when it may be read.
 * Checked when the job is saved and again before each run (a name can
 * resolve elsewhere later). Without SQL_IMPORT_API_HOSTS, no API job may
 * reach the store's database server at all (with the server's trust or a
 * superuser, a job's query could read its files or other databases);
 * with it, only the listed hosts, and never the store's own database. The
 * server is recognised by where its name resolves, not by how it is
 * spelled: 127.1, 0.0.0.0, ::ffff:127.0.0.1 and this machine's own
 * addresses are all "this machine".
 */
export async function apiJobHostProblem(job: { dialect: SqlDialect; url: string }, rule: ApiJobHostRule): Promise<string | null> {
  const checked = await checkApiJobHost(job, rule);
  return checked.ok ? null : checked.error;
}

/**
 * apiJobHostProblem, with the addresses it approved. The name is resolved
 * once, here, and the run connects only to those addresses (openSqlSource's
 * `addresses`): a driver resolving the name again could get another answer
 * (DNS rebinding: a public address for the check, 127.0.0.1 for the
 * driver). A name with several addresses is refused if any of them is
 * forbidden (it names the store's server among others: no reason to trust
 * its other answers); otherwise all are approved, so a dead first one does
 * not fail the run.
 */
export async function checkApiJobHost(job: { dialect: SqlDialect; url: string }, rule: ApiJobHostRule): Promise<Result<ApprovedHost, string>> {
  const sourceUrl = job.url;
  let url: URL;
  try {
    url = new URL(sourceUrl);
  } catch {
    // The pg driver reads "/var/run/postgresql smartcom" as a socket and a database: never let such a string through.
    return fail('/source/url: a job defined over the API names its source by a URL (scheme://user:password@host:port/database)');
  }
  const host = url.hostname.toLowerCase();
  const optionNames = [...url.searchParams.keys()];
  const socketParams = ['host', 'hostaddr', 'socketpath', 'socket'].filter((name) => optionNames.some((key) => key.toLowerCase() === name));
  // pg decodes a percent-encoded host: %2Fvar%2Frun%2Fpostgresql would be a socket.
  if (host === '' || host.includes('%') || socketParams.length > 0) {
    return fail(`/source/url: a job defined over the API names its server by host name (no socket, no ${socketParams.join('/') || 'empty host'} parameter)`);
  }
  // The job's dialect decides which driver reads the URL, whatever its scheme says (pg ignores the scheme).
  const dialect = job.dialect;
  const allowed = dialect === 'postgres' || dialect === 'mysql' ? ALLOWED_OPTIONS[dialect] : undefined; // MS SQL Server and Oracle URLs are smartcom's own form, every option checked (check-source-url.ts)
  const refused = allowed ? optionNames.filter((name) => !allowed.has(name)) : [];
  if (refused.length > 0) return fail(`/source/url: option(s) ${[...new Set(refused)].join(', ')} not allowed in a job defined over the API (allowed: ${[...allowed!].join(', ')})`);
  if (dialect === 'postgres' && (url.username === '' || url.pathname.replace(/^\//, '') === '')) {
    return fail('/source/url: a job defined over the API names its user and database in the URL (postgres://user:password@host/database)');
  }
  if (rule.allowedHosts.length > 0 && !rule.allowedHosts.includes(host)) {
    return fail(`/source/url: host ${host} is not one API jobs may read (SQL_IMPORT_API_HOSTS: ${rule.allowedHosts.join(', ')})`);
  }
  const resolve = rule.resolve ?? systemResolve;
  const addresses = await addressesOf(host.replace(/^\[|\]$/g, ''), resolve);
  const approved = ok({ addresses });
  if (!rule.storeUrl || dialect !== 'postgres') return approved; // the store speaks only PostgreSQL
  const source = postgresTarget(sourceUrl);
  const store = postgresTarget(rule.storeUrl);
  if (!source || !store || !(await sameServer(source.port, addresses, store, resolve))) return approved;
  if (source.database === store.database) return fail("/source/url: this is smartcom's own store, which a job may not read");
  if (rule.allowedHosts.length === 0) {
    return fail("/source/url: this is smartcom's own database server, which a job defined over the API may not reach unless SQL_IMPORT_API_HOSTS lists its host");
  }
  return approved;
}

async function sameServer(sourcePort: string, sourceAddresses: readonly string[], store: PostgresTarget, resolve: Resolve): Promise<boolean> {
  if (sourcePort !== store.port) return false;
  const storeAddresses = store.host.startsWith('/') ? ['127.0.0.1'] : await addressesOf(store.host, resolve);
  const local = localAddresses();
  const isLocal = (address: string) => local.has(address) || isLoopbackOrAny(address);
  return sourceAddresses.some((a) => storeAddresses.includes(a)) || (sourceAddresses.some(isLocal) && storeAddresses.some(isLocal));
}

interface PostgresTarget {
  host: string;
  port: string;
  database: string;
}

/**
 * Host, port and database as the pg driver itself resolves the URL, with its
 * own fallbacks for what the URL leaves out (the store's URL may: a socket
 * host, no user or database; the PG* variables). An API job's URL names
 * them all, and is only read here once its options passed the check: the
 * driver reads the files some options name.
 */
function postgresTarget(url: string): PostgresTarget | null {
  try {
    // Constructing a client resolves its parameters; it connects only when asked to.
    const { connectionParameters: p } = new pg.Client({ connectionString: url }) as unknown as {
      connectionParameters: { host?: string; port?: number | string; user?: string; database?: string };
    };
    const host = (p.host || 'localhost').replace(/^\[|\]$/g, '').toLowerCase();
    return { host, port: String(p.port || 5432), database: p.database || p.user || '' };
  } catch {
    return null;
  }
}

type Resolve = (host: string) => Promise<string[]>;

const systemResolve: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

async function addressesOf(host: string, resolve: Resolve): Promise<string[]> {
  if (isIP(host)) return [normalise(host)];
  try {
    return (await resolve(host)).map(normalise);
  } catch {
    return []; // unknown name: nothing to connect to either
  }
}

/** IPv4 as itself whatever the spelling (::ffff:127.0.0.1 and ::ffff:7f00:1 are 127.0.0.1). */
function normalise(address: string): string {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return address.toLowerCase();
}

function isLoopbackOrAny(address: string): boolean {
  return address.startsWith('127.') || address === '0.0.0.0' || address === '::1' || address === '::';
}

function localAddresses(): Set<string> {
  return new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => normalise(i.address))));
}
