import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

/**
 * Node lets a client take 300 s to send one request. These bounds cut off a client that trickles its
 * headers or body, so slow clients cannot hold connections (and the handlers waiting on their bodies) open.
 */
export const NODE_SERVER_TIMEOUTS = {
  /** Until the request's headers have arrived. */
  headersTimeout: 10_000,
  /** Until the whole request, body included, has arrived. */
  requestTimeout: 30_000,
  /** How often Node checks the two above (its default, 30 s, would let a slow client stay up to twice as long). */
  connectionsCheckingInterval: 1_000,
} as const;

export type NodeServerTimeouts = { [K in keyof typeof NODE_SERVER_TIMEOUTS]: number };

export interface NodeServerOptions {
  fetch: (request: Request) => Response | Promise<Response>;
  hostname: string;
  port: number;
  /** Tests shorten these; everything else uses the defaults. */
  timeouts?: NodeServerTimeouts;
}

/** How the app is served on Node: `@hono/node-server` with the request timeouts above. */
export function serveNode(options: NodeServerOptions, onListening?: (info: AddressInfo) => void): Server {
  const timeouts = options.timeouts ?? NODE_SERVER_TIMEOUTS;
  return serve(
    {
      fetch: options.fetch,
      hostname: options.hostname,
      port: options.port,
      serverOptions: { ...timeouts },
    },
    onListening,
  ) as Server;
}
