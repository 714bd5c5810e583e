import { Socket } from 'node:net';

/**
 * A socket that connects to `address` whatever host the driver asks it for.
 * The driver keeps the job's host name, so TLS still sends it (SNI) and
 * checks the server's certificate against it, but the name is never
 * resolved again: the address is the one checked before the run (see
 * checkApiJobHost).
 */
export function socketPinnedTo(address: string): Socket {
  const socket = new Socket();
  const connect = socket.connect.bind(socket) as (port: number, host: string) => Socket;
  socket.connect = ((port: number) => connect(port, address)) as Socket['connect'];
  return socket;
}
