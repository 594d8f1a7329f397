/**
 * The Worker bundle (what `wrangler deploy` uploads) inside workerd, reached over loopback HTTP. It runs
 * under the Miniflare that wrangler itself depends on, so the runtime is the very workerd of `wrangler dev`,
 * without the dev proxy in front. Each instance gets its own bindings: a test file's database, SQL endpoint
 * and Clerk key.
 */
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { WorkerBundle } from './workers-bundle';

/** The part of Miniflare's API used here (typed locally: the package is wrangler's dependency, not ours). */
interface MiniflareOptions {
  modules: WorkerBundle['modules'];
  modulesRoot: string;
  compatibilityDate: string;
  bindings: Record<string, string>;
  host: string;
  port: number;
  cf: boolean;
  outboundService?: (request: Request) => Promise<Response>;
  handleRuntimeStdio?: (stdout: Readable, stderr: Readable) => void;
}
interface MiniflareInstance {
  readonly ready: Promise<URL>;
  dispose(): Promise<void>;
}
interface MiniflareModule {
  Miniflare: new (options: MiniflareOptions) => MiniflareInstance;
}

export interface WorkerdApp {
  /** Where the Worker listens, e.g. `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
}

let miniflare: Promise<MiniflareModule> | undefined;

function loadMiniflare(): Promise<MiniflareModule> {
  const fromHere = createRequire(import.meta.url);
  const fromWrangler = createRequire(fromHere.resolve('wrangler/package.json'));
  miniflare ??= import(fromWrangler.resolve('miniflare')) as Promise<MiniflareModule>;
  return miniflare;
}

export interface WorkerdHooks {
  /**
   * Every request the Worker sends goes through this function of the test process instead of workerd's own
   * network (for a test that must see them, e.g. to prove that none leaves the machine).
   */
  outbound?: typeof fetch;
  /** Every line the Worker writes (console.log / console.error), as workerd prints it. */
  log?: (line: string) => void;
}

export async function startWorkerdApp(
  bundle: WorkerBundle,
  bindings: Record<string, string>,
  { outbound, log }: WorkerdHooks = {},
): Promise<WorkerdApp> {
  const { Miniflare } = await loadMiniflare();
  const instance = new Miniflare({
    modules: bundle.modules,
    modulesRoot: bundle.modulesRoot,
    compatibilityDate: bundle.compatibilityDate,
    bindings,
    host: '127.0.0.1',
    port: 0,
    // The app never reads request.cf: no lookup of Cloudflare's sample values over the network.
    cf: false,
    ...(outbound && {
      // The body as text, as the Neon driver hands it to fetch on Node, so a guard can read it the same way.
      outboundService: async (request: Request) =>
        outbound(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text(),
          redirect: 'manual',
        }),
    }),
    ...(log && {
      handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
        for (const stream of [stdout, stderr]) createInterface({ input: stream }).on('line', log);
      },
    }),
  });
  const url = await instance.ready;
  return { url: url.origin, close: () => instance.dispose() };
}
