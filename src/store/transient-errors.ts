/**
 * Errors that say "the database (or the network to it) is away", not "this
 * event cannot be applied". They pause consumption and are retried without
 * limit; anything else counts against the message's attempts. A full disk,
 * exhausted memory or an I/O error fails every event alike: counted against
 * each, they would send the whole queue to the error queue (or every
 * accepted webhook event to projection_failures) one by one.
 */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '40001', '40P01', '53300', '55P03',
  '53100', // disk_full
  '53200', // out_of_memory
  '58030', // io_error
]);

export function isTransientStoreError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && (TRANSIENT_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  const message = e.message ?? '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)|terminating connection|is not currently accepting connections/i.test(message);
}
