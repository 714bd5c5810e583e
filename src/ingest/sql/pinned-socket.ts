import { isIP, Socket, type LookupFunction, type TcpSocketConnectOpts } from 'node:net';

/**
 * A socket that reaches only `addresses` (the ones checked before the run,
 * see checkApiJobHost) whatever host the driver asks it for. It connects by
 * the driver's host name through a `lookup` answering that list, so the
 * name is never resolved again, TLS still sends it (SNI) and checks the
 * certificate against it, and Node's autoSelectFamily tries each address in
 * turn as it would the name's own answers (a dead first one is skipped).
 *
 * Only TCP is accepted: a driver asking for a path (pg does for a host
 * starting with '/') or any other call form would bypass the pin, so it throws.
 */
export function socketPinnedTo(addresses: readonly string[]): Socket {
  if (addresses.length === 0) throw new Error('a pinned socket needs at least one approved address');
  const socket = new Socket();
  const connect = socket.connect.bind(socket) as (options: TcpSocketConnectOpts) => Socket;
  socket.connect = ((...args: unknown[]) => connect(pinned(tcpTarget(args), addresses))) as Socket['connect'];
  return socket;
}

function tcpTarget(args: unknown[]): TcpSocketConnectOpts {
  const [first, second] = args;
  if (args.length === 2 && typeof first === 'number' && typeof second === 'string') return { port: first, host: second };
  if (args.length === 1 && typeof first === 'object' && first !== null && !('path' in first)) return first as TcpSocketConnectOpts;
  const form = args.map((arg) => (arg === null ? 'null' : typeof arg)).join(', ');
  throw new Error(`a pinned socket connects by (port, host) or TCP options only, not (${form})`);
}

function pinned(target: TcpSocketConnectOpts, addresses: readonly string[]): TcpSocketConnectOpts {
  const host = target.host ?? 'localhost';
  // Node never calls `lookup` for an address; a host that is one was approved as itself (one address).
  if (isIP(host)) return { ...target, host: addresses[0]! };
  return { ...target, host, lookup: lookupIn(addresses) };
}

function lookupIn(addresses: readonly string[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    const answers = addresses.map((address) => ({ address, family: isIP(address) })).filter((a) => family === 0 || a.family === family);
    // Node expects the answer later, as from the resolver.
    process.nextTick(() => {
      const first = answers[0];
      if (!first) callback(Object.assign(new Error(`${hostname}: no approved IPv${family} address`), { code: 'ENOTFOUND', hostname }), '');
      else if (options.all) callback(null, answers);
      else callback(null, first.address, first.family);
    });
  };
}
