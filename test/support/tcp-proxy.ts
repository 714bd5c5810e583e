import net from 'node:net';

/**
 * A TCP relay between one client under test and a real server (RabbitMQ,
 * PostgreSQL), so a test can drop that client's connections, or refuse new
 * ones for a while, without touching the server other tests share.
 */
export interface TcpProxy {
  /** The port the proxy listens on (127.0.0.1). */
  port: number;
  /** `url` with its host and port pointed at the proxy. */
  urlFor(url: string): string;
  /** Connections accepted and relayed so far. */
  accepted(): number;
  /** Destroys every current connection, both sides. */
  dropConnections(): void;
  /**
   * Stops relaying what the current clients send, while still relaying what
   * the server sends them: the server hears nothing more (acks included)
   * from a client that believes it is still talking. thaw() undoes it.
   */
  freeze(): void;
  thaw(): void;
  /** Drops every current connection and refuses new ones until restore(). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  // each client socket with the socket to the server it relays to
  const clients = new Map<net.Socket, net.Socket>();
  let refusing = false;
  let accepted = 0;

  const server = net.createServer((client) => {
    client.on('error', () => {});
    if (refusing) {
      // Accept and hang up at once: the client sees its connection reset,
      // as it would with the server gone.
      client.destroy();
      return;
    }
    accepted += 1;
    const upstream = net.connect(target.port, target.host);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => {
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
      clients.delete(client);
    });
    upstream.on('close', () => client.destroy());
    open.add(client);
    open.add(upstream);
    clients.set(client, upstream);
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  const dropConnections = () => {
    for (const socket of open) socket.destroy();
    open.clear();
    clients.clear();
  };

  return {
    port,
    urlFor(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    accepted: () => accepted,
    dropConnections,
    freeze() {
      for (const [client, upstream] of clients) {
        client.unpipe(upstream);
        client.pause();
      }
    },
    thaw() {
      for (const [client, upstream] of clients) client.pipe(upstream);
    },
    cut() {
      refusing = true;
      dropConnections();
    },
    restore() {
      refusing = false;
    },
    async close() {
      dropConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
