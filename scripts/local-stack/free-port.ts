import { createServer } from 'node:net';

export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

/**
 * Exits with one line naming the port and the variable that moves it when something already listens
 * there: a raw EADDRINUSE stack says neither. Checked before anything is started, so nothing is left over.
 */
export async function exitIfPortTaken(host: string, port: number, variable: string): Promise<void> {
  const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    const server = createServer();
    server.once('error', resolve);
    server.listen(port, host, () => server.close(() => resolve(undefined)));
  });
  if (!error) return;
  console.error(portTakenMessage(host, port, variable, error));
  process.exit(1);
}

export function portTakenMessage(
  host: string,
  port: number,
  variable: string,
  error: NodeJS.ErrnoException,
): string {
  if (error.code === 'EADDRINUSE')
    return `port ${port} on ${host} is already in use: set ${variable} to a free port, e.g. ${variable}=${port + 3}`;
  return `cannot listen on ${host}:${port} (${error.code ?? error.message}): set ${variable} to another port`;
}
