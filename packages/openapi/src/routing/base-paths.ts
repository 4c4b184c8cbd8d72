import type { DocumentWarning } from '../document/types.js';

/**
 * The path prefixes under which the document's paths are served, from `servers[].url`:
 * `https://api.example.com/v1` and `/v1` both give `/v1`; `https://api.github.com` gives none.
 * Server variables take their `default` (OpenAPI requires one). Hosts and schemes are not checked:
 * the application is reached through whatever name its proxy gives it.
 */
export function basePathsOf(servers: unknown, location: (pointer: string) => string, warnings: DocumentWarning[]): string[] {
  if (!Array.isArray(servers) || servers.length === 0) return [''];
  const paths = new Set<string>();
  servers.forEach((server: unknown, index: number) => {
    if (server === null || typeof server !== 'object') return;
    const { url, variables } = server as { url?: unknown; variables?: unknown };
    if (typeof url !== 'string') return;
    const expanded = url.replace(/\{([^{}]+)\}/g, (whole, name: string) => {
      const variable = variables !== null && typeof variables === 'object' ? (variables as Record<string, unknown>)[name] : undefined;
      const fallback = variable !== null && typeof variable === 'object' ? (variable as { default?: unknown }).default : undefined;
      if (typeof fallback === 'string') return fallback;
      warnings.push({
        code: 'server-variable-without-default',
        location: location(`#/servers/${index}/url`),
        message: `the server variable "${name}" has no default; this server's base path is not used`,
      });
      return whole;
    });
    if (expanded.includes('{')) return;
    paths.add(pathOfServerUrl(expanded));
  });
  return paths.size === 0 ? [''] : [...paths].sort((a, b) => b.length - a.length);
}

/** The path part of a server URL, without a trailing slash (`''` for the root). */
export function pathOfServerUrl(url: string): string {
  let path = url;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/.exec(url);
  if (scheme !== null) path = url.slice(scheme[0].length);
  path = path.split(/[?#]/)[0] as string;
  if (!path.startsWith('/')) path = `/${path}`;
  while (path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

/** Strips the first base path that prefixes `path` on a segment boundary; undefined when none does. */
export function stripBasePath(path: string, basePaths: readonly string[]): string | undefined {
  for (const base of basePaths) {
    if (base === '') return path;
    if (path === base) return '/';
    if (path.startsWith(base) && path.charCodeAt(base.length) === 47 /* / */) return path.slice(base.length);
  }
  return undefined;
}
