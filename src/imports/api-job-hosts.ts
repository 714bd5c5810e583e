import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { parse as parsePostgresUrl } from 'pg-connection-string';

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
}

export function parseAllowedHosts(list: string | undefined): string[] {
  return (list ?? '').split(',').map((host) => host.trim().toLowerCase()).filter((host) => host !== '');
}

/**
 * The problem with an API job's source URL, or null when it may be read.
 * Checked when the job is saved and again before each run (a name can
 * resolve elsewhere later). The store is recognised by where its name
 * resolves, not by how it is spelled: 127.1, 0.0.0.0, ::ffff:127.0.0.1 and
 * this machine's own addresses are all "this machine"; and by the database
 * the PostgreSQL driver would really use (query parameters included).
 */
export async function apiJobHostProblem(sourceUrl: string, rule: ApiJobHostRule): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(sourceUrl);
  } catch {
    return null; // not a URL: the job check names that problem
  }
  const host = url.hostname.toLowerCase();
  const socketParams = ['host', 'hostaddr', 'socketpath', 'socket'].filter((name) => [...url.searchParams.keys()].some((key) => key.toLowerCase() === name));
  if (host === '' || socketParams.length > 0) {
    return `/source/url: a job defined over the API names its server by host name (no socket, no ${socketParams.join('/') || 'empty host'} parameter)`;
  }
  if (rule.allowedHosts.length > 0 && !rule.allowedHosts.includes(host)) {
    return `/source/url: host ${host} is not one API jobs may read (SQL_IMPORT_API_HOSTS: ${rule.allowedHosts.join(', ')})`;
  }
  if (rule.storeUrl && (await isStoreDatabase(sourceUrl, rule.storeUrl))) return "/source/url: this is smartcom's own store, which a job may not read";
  return null;
}

async function isStoreDatabase(sourceUrl: string, storeUrl: string): Promise<boolean> {
  if (!/^postgres(ql)?:/i.test(sourceUrl)) return false; // the store speaks only PostgreSQL
  const source = postgresTarget(sourceUrl);
  const store = postgresTarget(storeUrl);
  if (!source || !store || source.port !== store.port || source.database !== store.database) return false;
  const [sourceAddresses, storeAddresses] = await Promise.all([addressesOf(source.host), addressesOf(store.host)]);
  const local = localAddresses();
  const isLocal = (address: string) => local.has(address) || isLoopbackOrAny(address);
  return sourceAddresses.some((a) => storeAddresses.includes(a)) || (sourceAddresses.some(isLocal) && storeAddresses.some(isLocal));
}

/** Host, port and database as the pg driver reads the URL (it takes query parameters as settings too). */
function postgresTarget(url: string): { host: string; port: string; database: string } | null {
  try {
    const parsed = parsePostgresUrl(url);
    const host = (parsed.host || 'localhost').replace(/^\[|\]$/g, '').toLowerCase();
    return { host, port: String(parsed.port || '5432'), database: parsed.database || parsed.user || 'postgres' };
  } catch {
    return null;
  }
}

async function addressesOf(host: string): Promise<string[]> {
  if (isIP(host)) return [normalise(host)];
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((a) => normalise(a.address));
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
