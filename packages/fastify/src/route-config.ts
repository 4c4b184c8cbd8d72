import { FirewallError, type Policy, type RoutePolicy } from '@portcullis/core';

/** One Fastify route that carries `config.portcullis`, as seen by the `onRoute` hook. */
export interface CollectedRoute {
  /** Fastify's url, prefix included, as written by the application. */
  readonly url: string;
  readonly methods: string[];
  readonly config: unknown;
}

const PARAM = /^:([A-Za-z_][A-Za-z0-9_]*)$/;

/** Names the Fastify route in errors: `GET /users/:id`. */
export function describeRoute(route: Pick<CollectedRoute, 'url' | 'methods'>): string {
  return `${route.methods.join(',')} ${route.url === '' ? '/' : route.url}`;
}

function routeError(route: CollectedRoute, message: string, path = 'config.portcullis'): FirewallError {
  return new FirewallError('ERR_POLICY_INVALID', `${message} (Fastify route ${describeRoute(route)})`, { path });
}

/**
 * Converts a Fastify route path to a Portcullis pattern. The two agree on `:param` segments and a
 * final `*`; what has no Portcullis equivalent (regular-expression, optional or multiple
 * parameters in a segment, escaped colons, a `*` inside a segment) is refused with the reason,
 * never approximated: an approximate pattern would put the route's guards on the wrong requests.
 */
export function toPortcullisPattern(route: CollectedRoute): string {
  const url = route.url;
  if (url.includes('(')) {
    throw routeError(route, 'regular-expression parameters (":name(regex)") cannot be matched by Portcullis; use a plain ":name" parameter, or declare the route in the policy\'s routes');
  }
  if (url.includes('::')) throw routeError(route, 'an escaped colon ("::") has no Portcullis equivalent; declare the route in the policy\'s routes');
  if (url !== '' && !url.startsWith('/')) throw routeError(route, `expected a path starting with "/", got ${JSON.stringify(url)}`);
  // Portcullis matches normalized paths: no empty segments, no trailing slash.
  const segments = url.split('/').filter((segment) => segment !== '');
  const out: string[] = [];
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '*') {
      if (!last) throw routeError(route, '"*" is only supported as the last segment');
      out.push('*');
      return;
    }
    if (segment.startsWith(':')) {
      if (segment.endsWith('?')) throw routeError(route, `the optional parameter "${segment}" is not supported; register the route with and without the parameter, or declare it in the policy's routes`);
      if (!PARAM.test(segment)) throw routeError(route, `the segment "${segment}" is not a single ":name" parameter (letters, digits and "_"), which is all Portcullis matches`);
      out.push(segment);
      return;
    }
    if (segment.includes(':') || segment.includes('*')) {
      throw routeError(route, `":" and "*" are only supported as whole segments, got "${segment}"`);
    }
    out.push(segment);
  });
  return `/${out.join('/')}`;
}

/** Same config object at the same pattern: one Portcullis route (e.g. GET and its automatic HEAD). */
interface MergedRoute {
  readonly route: CollectedRoute;
  readonly pattern: string;
  readonly methods: Set<string>;
  readonly config: Record<string, unknown>;
}

function readRouteConfig(route: CollectedRoute): Record<string, unknown> {
  const config = route.config;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw routeError(route, 'expected an object (a route policy without "path" and "methods")');
  }
  for (const key of ['path', 'methods'] as const) {
    if (key in config) throw routeError(route, `"${key}" comes from the Fastify route and cannot be set here`, `config.portcullis.${key}`);
  }
  return config as Record<string, unknown>;
}

function merge(collected: readonly CollectedRoute[]): MergedRoute[] {
  const merged: MergedRoute[] = [];
  const byConfig = new Map<unknown, Map<string, MergedRoute>>();
  for (const route of collected) {
    const config = readRouteConfig(route);
    const pattern = toPortcullisPattern(route);
    let byPattern = byConfig.get(route.config);
    if (byPattern === undefined) byConfig.set(route.config, (byPattern = new Map()));
    const existing = byPattern.get(pattern);
    if (existing !== undefined) {
      for (const method of route.methods) existing.methods.add(method);
      continue;
    }
    const entry: MergedRoute = { route, pattern, methods: new Set(route.methods), config };
    byPattern.set(pattern, entry);
    merged.push(entry);
  }
  return merged;
}

/**
 * The policy with the routes collected from Fastify appended, and a function that turns an error
 * about one of those routes (`routes[7].limits.bodyBytes`) into one that names the Fastify route
 * and its `config.portcullis` field.
 */
export function composePolicy(policy: Policy, collected: readonly CollectedRoute[]): { policy: Policy; explain(error: unknown): unknown } {
  const merged = merge(collected);
  if (merged.length === 0) return { policy, explain: (error) => error };
  const own = Array.isArray(policy.routes) ? policy.routes : [];
  const routes: RoutePolicy[] = merged.map((entry) => {
    const methods = [...entry.methods].map((m) => m.toUpperCase());
    // Portcullis applies a GET route to HEAD by itself; listing Fastify's automatic HEAD too would
    // only change the route's id.
    const listed = methods.includes('GET') ? methods.filter((m) => m !== 'HEAD') : methods;
    return { ...(entry.config as Omit<RoutePolicy, 'path' | 'methods'>), path: entry.pattern, methods: listed };
  });
  const composed: Policy = policy.routes !== undefined && !Array.isArray(policy.routes) ? policy : { ...policy, routes: [...own, ...routes] };
  const explain = (error: unknown): unknown => {
    if (!(error instanceof FirewallError) || error.path === undefined) return error;
    const match = /^routes\[(\d+)\](.*)$/.exec(error.path);
    if (match === null) return error;
    const entry = merged[Number(match[1]) - own.length];
    if (entry === undefined) return error;
    const prefix = `${error.code}: ${error.path}: `;
    const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    // `path` and `methods` were taken from the Fastify route: the error is about the route itself.
    const rest = match[2] ?? '';
    const fromRoute = /^\.(path|methods)\b/.test(rest);
    return new FirewallError(error.code, `${detail} (Fastify route ${describeRoute(entry.route)})`, {
      path: fromRoute ? 'config.portcullis' : `config.portcullis${rest}`,
      cause: error,
    });
  };
  return { policy: composed, explain };
}
