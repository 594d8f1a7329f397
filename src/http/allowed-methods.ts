/** A route as Hono lists it in `app.routes`. */
interface ListedRoute {
  method: string;
  path: string;
}

interface PathMethods {
  pattern: RegExp;
  methods: Set<string>;
}

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** `/api/workshops/:workshopId` → a pattern matching one concrete path of that shape. */
function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

/**
 * What `Allow` says for each path the app serves, read from its own route list so that a route added later
 * is covered without a change here. Hono answers HEAD wherever GET exists, and the CORS middleware answers
 * OPTIONS on every path.
 */
export function allowedMethodsOf(routes: readonly ListedRoute[]): (path: string) => string[] | undefined {
  const byPath = new Map<string, PathMethods>();
  for (const route of routes) {
    // Middleware is listed too: as method ALL, or on a wildcard path.
    if (route.method === 'ALL' || route.path.includes('*')) continue;
    const entry = byPath.get(route.path) ?? { pattern: patternOf(route.path), methods: new Set(['OPTIONS']) };
    entry.methods.add(route.method);
    if (route.method === 'GET') entry.methods.add('HEAD');
    byPath.set(route.path, entry);
  }
  const entries = [...byPath.values()];
  return (path) => {
    const methods = new Set<string>();
    for (const entry of entries) {
      if (entry.pattern.test(path)) for (const method of entry.methods) methods.add(method);
    }
    if (methods.size === 0) return undefined;
    return [...methods].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  };
}
