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

/** The problem with an API job's source URL, or null when it may be read. */
export function apiJobHostProblem(sourceUrl: string, rule: ApiJobHostRule): string | null {
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
  if (rule.storeUrl && isSameDatabase(url, rule.storeUrl)) return "/source/url: this is smartcom's own store, which a job may not read";
  return null;
}

const LOCAL = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

function isSameDatabase(source: URL, storeUrl: string): boolean {
  let store: URL;
  try {
    store = new URL(storeUrl);
  } catch {
    return false;
  }
  const hostOf = (u: URL) => (LOCAL.has(u.hostname.toLowerCase()) ? 'local' : u.hostname.toLowerCase());
  const portOf = (u: URL) => u.port || '5432';
  const databaseOf = (u: URL) => decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres';
  return source.protocol.startsWith('postgres') && hostOf(source) === hostOf(store) && portOf(source) === portOf(store) && databaseOf(source) === databaseOf(store);
}
