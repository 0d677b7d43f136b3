import { createServer } from 'node:net';

/** Fails with a clear message when a fixed port is taken (0 means "any free port"). */
export async function assertPortFree(host: string, port: number, what: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use (${what}); stop what uses it or set another port`)
          : err,
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Listens, or fails with a message that names the port and what wanted it. */
export function listen<S extends import('node:http').Server>(
  server: S,
  host: string,
  port: number,
  what: string,
): Promise<S> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use (${what}); stop what uses it or set another port`)
          : err,
      ),
    );
    server.listen(port, host, () => resolve(server));
  });
}

export function portOf(server: { address(): unknown }): number {
  const address = server.address();
  return typeof address === 'object' && address ? (address as { port: number }).port : 0;
}
