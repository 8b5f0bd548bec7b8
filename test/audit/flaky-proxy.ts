/**
 * A TCP proxy in front of a real API server that cuts connections in the middle of a response:
 * the one fault a real API server does not produce on demand (a load balancer or a node going
 * away mid-list). TLS passes through untouched (the client still verifies the server), so the
 * cut lands wherever the byte count says: inside a large list page.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface FlakyProxy {
  port: number;
  /** Connections cut so far. */
  cuts(): number;
  close(): Promise<void>;
}

/**
 * Forwards to 127.0.0.1:`target`. A connection is cut once it has carried more than
 * `afterBytes` from the server; only the first `times` connections that get that far are cut
 * (Infinity: every one).
 */
export async function flakyProxy(target: number, afterBytes: number, times: number): Promise<FlakyProxy> {
  let cut = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    let bytes = 0;
    let doomed = cut < times;
    upstream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (doomed && bytes > afterBytes && cut < times) {
        cut++;
        doomed = false;
        // Forward part of this chunk, then drop both sides: the client sees a truncated body.
        client.write(chunk.subarray(0, Math.floor(chunk.length / 2)), () => {
          client.destroy();
          upstream.destroy();
        });
        return;
      }
      client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    cuts: () => cut,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
