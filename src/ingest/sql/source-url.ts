import { fail, ok, type Result } from '../../result.ts';

/**
 * The parts of a connection URL (`scheme://user:password@host:port/path?options`)
 * for the connectors whose drivers take separate settings rather than a URL
 * (MS SQL Server, Oracle). Problems name the part that is wrong and never
 * repeat the URL: it holds the password.
 */
export interface SourceUrl {
  user: string;
  password: string;
  host: string;
  port: number | undefined;
  /** The path without its leading slash, decoded ('' when absent). */
  path: string;
  options: ReadonlyMap<string, string>;
}

export function readSourceUrl(url: string, schemes: readonly string[], form: string): Result<SourceUrl, string[]> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail([`not a URL; expected ${form} (percent-encode @ : / ? # % in the user name and password)`]);
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (!schemes.includes(scheme)) return fail([`the scheme must be ${schemes.map((s) => `${s}://`).join(' or ')}, not ${scheme}://`]);
  const problems: string[] = [];
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') problems.push(`no host; expected ${form}`);
  if (parsed.port === '0') problems.push('port 0 is not a port');
  const user = decoded(parsed.username, 'user', problems);
  const password = decoded(parsed.password, 'password', problems);
  if (user === '') problems.push('no user name: put user:password@ before the host (percent-encode @ : / in them)');
  const path = decoded(parsed.pathname.replace(/^\//, ''), 'path', problems);
  const options = new Map<string, string>();
  for (const [name, value] of parsed.searchParams) {
    if (options.has(name)) problems.push(`option ${name} is given twice`);
    options.set(name, value);
  }
  if (parsed.hash !== '') problems.push('a URL fragment (#…) means nothing here (a # in the password is written %23)');
  if (problems.length > 0) return fail(problems);
  return ok({ user, password, host, port: parsed.port === '' ? undefined : Number(parsed.port), path, options });
}

/** Reads the options a connector knows; each unknown one is a problem (a misspelt `encrypt` must not pass silently). */
export class UrlOptions {
  readonly problems: string[] = [];
  private readonly unread: Set<string>;

  constructor(private readonly options: ReadonlyMap<string, string>) {
    this.unread = new Set(options.keys());
  }

  boolean(name: string, fallback: boolean): boolean {
    const text = this.take(name);
    if (text === undefined) return fallback;
    if (text === 'true') return true;
    if (text === 'false') return false;
    this.problems.push(`option ${name} must be true or false, not "${text}"`);
    return fallback;
  }

  /** A duration in milliseconds; 0 is allowed when `zeroMeans` says what it means. */
  millis(name: string, fallback: number, zeroMeans?: string): number {
    const text = this.take(name);
    if (text === undefined) return fallback;
    const value = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
    if (Number.isNaN(value) || (value === 0 && zeroMeans === undefined)) {
      this.problems.push(`option ${name} must be a whole number of milliseconds${zeroMeans ? ` (0: ${zeroMeans})` : ' above 0'}, not "${text}"`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const text = this.take(name);
    if (text === undefined) return fallback;
    if ((allowed as readonly string[]).includes(text)) return text as T;
    this.problems.push(`option ${name} must be one of ${allowed.join(', ')}, not "${text}"`);
    return fallback;
  }

  text(name: string): string | undefined {
    const text = this.take(name);
    if (text === '') this.problems.push(`option ${name} is empty`);
    return text === '' ? undefined : text;
  }

  /** Call after reading every known option: the rest are unknown. */
  finish(known: readonly string[]): string[] {
    for (const name of this.unread) this.problems.push(`unknown option ${name} (known: ${known.join(', ')})`);
    return this.problems;
  }

  private take(name: string): string | undefined {
    this.unread.delete(name);
    return this.options.get(name);
  }
}

function decoded(text: string, what: string, problems: string[]): string {
  try {
    return decodeURIComponent(text);
  } catch {
    problems.push(`the ${what} has a malformed percent-encoding`);
    return '';
  }
}

/** A source URL the connector cannot use; the message names each problem, never the URL. */
export class SourceUrlError extends Error {}
