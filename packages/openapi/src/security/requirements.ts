import { DocumentError, type LoadedDocument } from '../document/types.js';
import { childPointer, isObject, resolveRef, valueAt } from '../contract/refs.js';

/** A security scheme of the document, as the contract guard needs it. */
export interface SchemeInfo {
  readonly name: string;
  readonly type: 'apiKey' | 'http' | 'oauth2' | 'openIdConnect' | 'mutualTLS';
  /** For `http`: the lower-case scheme (`bearer`, `basic`...). */
  readonly httpScheme: string | undefined;
  /** For `apiKey`: where the key travels and under which name. */
  readonly apiKey: { readonly in: string; readonly name: string } | undefined;
}

/** One way to satisfy an operation's security: every scheme of it, each with its required scopes (or roles). */
export type SecurityAlternative = ReadonlyArray<{ readonly scheme: SchemeInfo; readonly required: readonly string[] }>;

/**
 * An operation's effective security: undefined when it is public (`security: []`, or none declared
 * anywhere); otherwise alternatives, one of which must hold. An empty alternative (`{}`) makes
 * authentication optional.
 */
export type OperationSecurity = readonly SecurityAlternative[] | undefined;

const TYPES = new Set(['apiKey', 'http', 'oauth2', 'openIdConnect', 'mutualTLS']);

export function readSchemes(document: LoadedDocument): ReadonlyMap<string, SchemeInfo> {
  const schemes = new Map<string, SchemeInfo>();
  const components = valueAt(document.root, '#/components/securitySchemes');
  if (!isObject(components)) return schemes;
  for (const name of Object.keys(components)) {
    const { value, pointer } = resolveRef(document, childPointer('#/components/securitySchemes', name));
    if (!isObject(value) || typeof value['type'] !== 'string' || !TYPES.has(value['type'])) {
      throw new DocumentError(document.describe(pointer), 'expected a Security Scheme Object with a known type');
    }
    const type = value['type'] as SchemeInfo['type'];
    const apiKey = type === 'apiKey' && typeof value['in'] === 'string' && typeof value['name'] === 'string' ? { in: value['in'], name: value['name'] } : undefined;
    schemes.set(name, { name, type, httpScheme: type === 'http' && typeof value['scheme'] === 'string' ? value['scheme'].toLowerCase() : undefined, apiKey });
  }
  return schemes;
}

/** Resolves a Security Requirement list (from the document or a policy override) against the schemes. */
export function resolveRequirements(
  requirements: unknown,
  schemes: ReadonlyMap<string, SchemeInfo>,
  locate: (index: number, scheme: string) => string,
): OperationSecurity {
  if (!Array.isArray(requirements) || requirements.length === 0) return undefined;
  return requirements.map((requirement: unknown, index: number) => {
    if (!isObject(requirement)) throw new DocumentError(locate(index, ''), 'expected a Security Requirement Object');
    return Object.entries(requirement).map(([name, scopes]) => {
      const scheme = schemes.get(name);
      if (scheme === undefined) throw new DocumentError(locate(index, name), `no security scheme named "${name}" in components.securitySchemes`);
      const required = Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string' && s !== '') : [];
      return { scheme, required };
    });
  });
}

/** Whether a requirement's list names scopes (OAuth2, OpenID Connect) or, for other schemes, roles (OpenAPI 3.1). */
export function requiresScopes(scheme: SchemeInfo): boolean {
  return scheme.type === 'oauth2' || scheme.type === 'openIdConnect';
}

/**
 * The identity methods (as Portcullis' identity guards set them) that can stand for a scheme when
 * the policy's own guards authenticate (`'policy'` verifier). Undefined: any authenticated identity.
 */
export function methodsFor(scheme: SchemeInfo): ReadonlySet<string> | undefined {
  if (scheme.type === 'oauth2' || scheme.type === 'openIdConnect' || (scheme.type === 'http' && scheme.httpScheme === 'bearer')) {
    return new Set(['jwt', 'introspection']);
  }
  if (scheme.type === 'mutualTLS') return new Set(['mtls']);
  return undefined;
}


/** Names of the query parameters that carry an API key of one of the document's schemes. */
export function credentialQueryNames(schemes: ReadonlyMap<string, SchemeInfo>): ReadonlySet<string> {
  const names = new Set<string>();
  for (const scheme of schemes.values()) if (scheme.apiKey?.in === 'query') names.add(scheme.apiKey.name);
  return names;
}
