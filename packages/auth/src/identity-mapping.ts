import {
  PolicyError,
  childPath,
  claimPathProblem,
  describeValue,
  isPlainObject,
  readClaim,
  readObject,
  readOptionalString,
  readString,
  type Identity,
  type PolicyPath,
} from '@portcullis/core';

/**
 * How verified claims become the Identity. Explicit: roles come only from the claims the policy
 * names (none by default), and with a `roleMap` only mapped values become roles, so an identity
 * provider that starts emitting a new group never grants anything by itself.
 */
export interface IdentityMappingOptions {
  /** Claim path of the subject. Default `sub`. */
  readonly subject?: string;
  /** Claim paths tried in order for the client id. Default `client_id`, then `azp`. */
  readonly clientId?: string | readonly string[];
  /**
   * Claim paths holding scopes: a space-separated string (RFC 8693 `scope`) or an array (`scp`).
   * Default `scope`, then `scp`. `false`: no scopes.
   */
  readonly scopes?: string | readonly string[] | false;
  /** Claim paths holding roles (`roles`, `realm_access.roles`, `groups`). Default: none. */
  readonly roles?: string | readonly string[];
  /** Claim value → role names. When set, only mapped values become roles. */
  readonly roleMap?: Readonly<Record<string, string | readonly string[]>>;
  /** Claim path of the plan or tier (for per-tier rate limits). */
  readonly tier?: string;
}

export const IDENTITY_MAPPING_KEYS = ['subject', 'clientId', 'scopes', 'roles', 'roleMap', 'tier'] as const;

/** Bounds on what one identity carries: a token is trusted, but not to be large. */
const MAX_LIST_ENTRIES = 256;
const MAX_ENTRY_LENGTH = 256;

export interface CompiledIdentityMapping {
  map(claims: Readonly<Record<string, unknown>>, method: string): Identity;
}

function readClaimPaths(value: unknown, path: PolicyPath, fallback: readonly string[]): readonly string[] {
  if (value === undefined) return fallback;
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (list === undefined || list.length === 0) throw new PolicyError(path, `expected a claim path or a non-empty array of them, got ${describeValue(value)}`);
  return list.map((item, i) => {
    const p = typeof value === 'string' ? path : childPath(path, i);
    const claim = readString(item, p);
    const problem = claimPathProblem(claim);
    if (problem !== undefined) throw new PolicyError(p, problem);
    return claim;
  });
}

function readClaimPath(value: unknown, path: PolicyPath): string | undefined {
  const claim = readOptionalString(value, path);
  if (claim === undefined) return undefined;
  const problem = claimPathProblem(claim);
  if (problem !== undefined) throw new PolicyError(path, problem);
  return claim;
}

/** A claim as a list of names: an array of strings, or a space-separated string. */
function names(claim: unknown): string[] {
  let list: unknown[];
  if (typeof claim === 'string') list = claim.split(' ');
  else if (Array.isArray(claim)) list = claim;
  else return [];
  const out: string[] = [];
  for (const item of list) {
    if (typeof item !== 'string' || item === '' || item.length > MAX_ENTRY_LENGTH) continue;
    out.push(item);
    if (out.length === MAX_LIST_ENTRIES) break;
  }
  return out;
}

function stringClaim(claim: unknown): string | undefined {
  if (typeof claim === 'string' && claim !== '' && claim.length <= MAX_ENTRY_LENGTH) return claim;
  if (typeof claim === 'number' && Number.isSafeInteger(claim)) return String(claim);
  return undefined;
}

/** A frozen copy of verified claims (JSON data: objects, arrays and primitives). */
function deepFrozenCopy(claims: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const copy = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object' || depth > 32) return value;
    if (Array.isArray(value)) return Object.freeze(value.map((item) => copy(item, depth + 1)));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = copy(item, depth + 1);
    return Object.freeze(out);
  };
  return copy(claims, 0) as Readonly<Record<string, unknown>>;
}

export function compileIdentityMapping(value: unknown, path: PolicyPath): CompiledIdentityMapping {
  const o = value === undefined ? {} : readObject(value, path, IDENTITY_MAPPING_KEYS);
  const subject = readClaimPath(o['subject'], childPath(path, 'subject')) ?? 'sub';
  const clientIds = readClaimPaths(o['clientId'], childPath(path, 'clientId'), ['client_id', 'azp']);
  const scopePaths = o['scopes'] === false ? [] : readClaimPaths(o['scopes'], childPath(path, 'scopes'), ['scope', 'scp']);
  const rolePaths = readClaimPaths(o['roles'], childPath(path, 'roles'), []);
  const tier = readClaimPath(o['tier'], childPath(path, 'tier'));
  let roleMap: Map<string, readonly string[]> | undefined;
  if (o['roleMap'] !== undefined) {
    const mapPath = childPath(path, 'roleMap');
    const raw = o['roleMap'];
    if (!isPlainObject(raw) || Object.keys(raw).length === 0) throw new PolicyError(mapPath, `expected an object of claim value → role names, got ${describeValue(raw)}`);
    const m = raw;
    if (rolePaths.length === 0) throw new PolicyError(mapPath, 'maps role claim values, but `roles` names no claim');
    roleMap = new Map(
      Object.entries(m).map(([from, to]) => {
        const toPath = childPath(mapPath, from);
        const roles = typeof to === 'string' ? [readString(to, toPath)] : Array.isArray(to) && to.length > 0 ? to.map((r, i) => readString(r, childPath(toPath, i))) : undefined;
        if (roles === undefined) throw new PolicyError(toPath, `expected a role name or a non-empty array of them, got ${describeValue(to)}`);
        return [from, roles] as const;
      }),
    );
  }

  return {
    map(claims, method) {
      let clientId: string | undefined;
      for (const p of clientIds) {
        clientId = stringClaim(readClaim(claims, p));
        if (clientId !== undefined) break;
      }
      const scopes: string[] = [];
      for (const p of scopePaths) for (const s of names(readClaim(claims, p))) if (!scopes.includes(s)) scopes.push(s);
      const roles: string[] = [];
      for (const p of rolePaths) {
        for (const value of names(readClaim(claims, p))) {
          const granted = roleMap === undefined ? [value] : roleMap.get(value) ?? [];
          for (const r of granted) if (!roles.includes(r)) roles.push(r);
        }
      }
      // Frozen all the way down: a cached identity is handed to every request with the same token,
      // so a handler that changed it would change what the next request is granted.
      const identity: { -readonly [K in keyof Identity]: Identity[K] } = { method, scopes: Object.freeze(scopes), roles: Object.freeze(roles), claims: deepFrozenCopy(claims) };
      const sub = stringClaim(readClaim(claims, subject));
      if (sub !== undefined) identity.subject = sub;
      if (clientId !== undefined) identity.clientId = clientId;
      const tierValue = tier === undefined ? undefined : stringClaim(readClaim(claims, tier));
      if (tierValue !== undefined) identity.tier = tierValue;
      return Object.freeze(identity);
    },
  };
}
