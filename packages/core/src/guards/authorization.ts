import { PolicyError } from '../errors.js';
import { ALLOW, type DenyOutcome, type Guard, type GuardOutcome, type Mode } from '../guard.js';
import { claimPathProblem, readClaim, type Identity } from '../identity.js';
import {
  child,
  describe,
  isPlainObject,
  readArray,
  readBoolean,
  readEnum,
  readFunction,
  readObject,
  readOptionalString,
  readString,
  readStringArray,
  type PolicyPath,
} from '../policy/reader.js';
import type { FirewallRequest } from '../request/firewall-request.js';
import { coreDeny } from './common.js';

/**
 * Authorization on the identity that the identity guards established: scopes, roles, claim
 * predicates, object ownership and functions, per route and method. It needs no dependency, so it
 * lives in core and runs in the `authorization` phase, after every identity guard.
 */

/** `all`: every scope is required; `any`: one of them is enough. An array means `all`. */
export interface RequirementSet {
  readonly all?: readonly string[];
  readonly any?: readonly string[];
}

export type ClaimValue = string | number | boolean;

/** A claim condition. A bare value means `equals`. */
export type ClaimPredicate =
  | ClaimValue
  | { readonly equals: ClaimValue }
  | { readonly oneOf: readonly ClaimValue[] }
  /** The claim is an array (or a space-separated string) that contains this value. */
  | { readonly includes: ClaimValue }
  | { readonly exists: boolean };

/** Object-level authorization: `/users/:userId/orders` is served only to the user it names. */
export interface OwnershipRule {
  /** A parameter of the route's path. */
  readonly param: string;
  /** The claim compared with it (dot path). Default `sub`. */
  readonly claim?: string;
  /** Roles that may act on any object (e.g. `admin`). */
  readonly overrideRoles?: readonly string[];
}

export type AuthorizationCheck = (identity: Identity, request: FirewallRequest) => boolean | Promise<boolean>;

export interface AuthorizationRule {
  /** The methods this rule covers. Default: every method of the route. */
  readonly methods?: readonly string[];
  /** `false` marks the route (or these methods) as public: no identity needed. Default `true`. */
  readonly authenticated?: boolean;
  /** Required OAuth scopes. An array means all of them. */
  readonly scopes?: readonly string[] | RequirementSet;
  /** Required roles. An array means all of them; `{ any: [...] }` for one of them. */
  readonly roles?: readonly string[] | RequirementSet;
  /** Conditions on verified claims, by claim path (`tenant`, `realm_access.roles`). All must hold. */
  readonly claims?: Readonly<Record<string, ClaimPredicate>>;
  /** Object-level ownership, checked against the route's path parameters. */
  readonly owner?: OwnershipRule;
  /** Your own predicate; `false` (or a throw, which follows `onError`) refuses. */
  readonly check?: AuthorizationCheck;
}

export interface AuthorizationPolicy {
  /**
   * Requests whose route has no rule for their method (and requests matching no route):
   * `allow` (default) or `deny` (403 `route_not_covered`): deny by default.
   */
  readonly uncovered?: 'allow' | 'deny';
  /** The `WWW-Authenticate` challenge on a 401 `authentication_required`. Default `Bearer`. */
  readonly challenge?: string;
  readonly id?: string;
  readonly mode?: Mode;
}

export const AUTHORIZATION_POLICY_KEYS = ['uncovered', 'challenge', 'id', 'mode'] as const;
const RULE_KEYS = ['methods', 'authenticated', 'scopes', 'roles', 'claims', 'owner', 'check'] as const;
const CHALLENGE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+( [\x20-\x7e]*)?$/;

interface CompiledRequirement {
  readonly all: readonly string[];
  readonly any: readonly string[];
}

interface CompiledClaim {
  readonly path: string;
  readonly test: (value: unknown) => boolean;
}

interface CompiledRule {
  readonly methods: ReadonlySet<string> | undefined;
  readonly authenticated: boolean;
  readonly scopes: CompiledRequirement | undefined;
  readonly roles: CompiledRequirement | undefined;
  readonly claims: readonly CompiledClaim[];
  readonly owner: { readonly param: string; readonly claim: string; readonly overrideRoles: readonly string[] } | undefined;
  readonly check: AuthorizationCheck | undefined;
}

export interface CompiledAuthorizationPolicy {
  readonly uncovered: 'allow' | 'deny';
  readonly challenge: string;
  readonly id: string;
  readonly mode: Mode | undefined;
  readonly exposeDetails: boolean;
}

export function readAuthorizationPolicy(value: unknown, path: PolicyPath, exposeDetails: boolean): CompiledAuthorizationPolicy {
  const o = value === undefined ? {} : readObject(value, path, AUTHORIZATION_POLICY_KEYS);
  const challenge = readOptionalString(o['challenge'], child(path, 'challenge')) ?? 'Bearer';
  if (!CHALLENGE.test(challenge)) throw new PolicyError(child(path, 'challenge'), 'expected an auth scheme, optionally followed by parameters (printable ASCII)');
  return {
    uncovered: readEnum(o['uncovered'], child(path, 'uncovered'), ['allow', 'deny'], 'allow'),
    challenge,
    id: readOptionalString(o['id'], child(path, 'id')) ?? 'authorization',
    mode: o['mode'] === undefined ? undefined : readEnum<Mode>(o['mode'], child(path, 'mode'), ['enforce', 'monitor']),
    exposeDetails,
  };
}

function readRequirement(value: unknown, path: PolicyPath): CompiledRequirement {
  if (Array.isArray(value)) return { all: readStringArray(value, path, { nonEmpty: true }), any: [] };
  const o = readObject(value, path, ['all', 'any']);
  const all = o['all'] === undefined ? [] : readStringArray(o['all'], child(path, 'all'), { nonEmpty: true });
  const any = o['any'] === undefined ? [] : readStringArray(o['any'], child(path, 'any'), { nonEmpty: true });
  if (all.length === 0 && any.length === 0) throw new PolicyError(path, 'expected `all` or `any` (or an array, meaning all)');
  return { all, any };
}

function isClaimValue(value: unknown): value is ClaimValue {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function readClaimValue(value: unknown, path: PolicyPath): ClaimValue {
  if (!isClaimValue(value)) throw new PolicyError(path, `expected a string, number or boolean, got ${describe(value)}`);
  return value;
}

/** A claim that holds a list: an array, or an OAuth-style space-separated string. */
function claimIncludes(claim: unknown, wanted: ClaimValue): boolean {
  if (Array.isArray(claim)) return claim.includes(wanted);
  if (typeof claim === 'string' && typeof wanted === 'string') return claim.split(' ').includes(wanted);
  return false;
}

function readClaimPredicate(claimPath: string, value: unknown, path: PolicyPath): CompiledClaim {
  const problem = claimPathProblem(claimPath);
  if (problem !== undefined) throw new PolicyError(path, problem);
  if (isClaimValue(value)) return { path: claimPath, test: (claim) => claim === value };
  if (!isPlainObject(value) || Object.keys(value).length !== 1) {
    throw new PolicyError(path, `expected a value or exactly one of { equals }, { oneOf }, { includes }, { exists }, got ${describe(value)}`);
  }
  const o = readObject(value, path, ['equals', 'oneOf', 'includes', 'exists']);
  if (o['equals'] !== undefined) {
    const wanted = readClaimValue(o['equals'], child(path, 'equals'));
    return { path: claimPath, test: (claim) => claim === wanted };
  }
  if (o['oneOf'] !== undefined) {
    const set = new Set(readArray(o['oneOf'], child(path, 'oneOf'), { nonEmpty: true }).map((v, i) => readClaimValue(v, child(child(path, 'oneOf'), i))));
    return { path: claimPath, test: (claim) => isClaimValue(claim) && set.has(claim) };
  }
  if (o['includes'] !== undefined) {
    const wanted = readClaimValue(o['includes'], child(path, 'includes'));
    return { path: claimPath, test: (claim) => claimIncludes(claim, wanted) };
  }
  const exists = readBoolean(o['exists'], child(path, 'exists'), true);
  return { path: claimPath, test: (claim) => (claim !== undefined && claim !== null) === exists };
}

/** Parameter names in a route pattern (`/users/:userId/orders` → `userId`). */
function patternParams(pattern: string): Set<string> {
  return new Set(pattern.split('/').filter((s) => s.startsWith(':')).map((s) => s.slice(1)));
}

function readRule(value: unknown, path: PolicyPath, pattern: string, routeMethods: readonly string[] | undefined): CompiledRule {
  const o = readObject(value, path, RULE_KEYS);
  let methods: Set<string> | undefined;
  if (o['methods'] !== undefined) {
    methods = new Set(readStringArray(o['methods'], child(path, 'methods'), { nonEmpty: true }).map((m) => m.toUpperCase()));
    if (routeMethods !== undefined) {
      for (const m of methods) {
        if (!routeMethods.includes(m)) throw new PolicyError(child(path, 'methods'), `${m} is not a method of this route (${routeMethods.join(', ')})`);
      }
    }
  }
  const authenticated = readBoolean(o['authenticated'], child(path, 'authenticated'), true);
  const requirements = ['scopes', 'roles', 'claims', 'owner', 'check'].filter((k) => o[k] !== undefined);
  if (!authenticated && requirements.length > 0) {
    throw new PolicyError(child(path, requirements[0] as string), 'a public rule (`authenticated: false`) cannot require anything of an identity');
  }
  let owner: CompiledRule['owner'];
  if (o['owner'] !== undefined) {
    const ownerPath = child(path, 'owner');
    const w = readObject(o['owner'], ownerPath, ['param', 'claim', 'overrideRoles']);
    const param = readString(w['param'], child(ownerPath, 'param'));
    if (!patternParams(pattern).has(param)) throw new PolicyError(child(ownerPath, 'param'), `the route "${pattern}" has no parameter ":${param}"`);
    const claim = readOptionalString(w['claim'], child(ownerPath, 'claim')) ?? 'sub';
    const problem = claimPathProblem(claim);
    if (problem !== undefined) throw new PolicyError(child(ownerPath, 'claim'), problem);
    const overrideRoles = w['overrideRoles'] === undefined ? [] : readStringArray(w['overrideRoles'], child(ownerPath, 'overrideRoles'));
    owner = { param, claim, overrideRoles };
  }
  const claims: CompiledClaim[] = [];
  if (o['claims'] !== undefined) {
    const claimsPath = child(path, 'claims');
    const c = o['claims'];
    if (!isPlainObject(c) || Object.keys(c).length === 0) throw new PolicyError(claimsPath, `expected an object of claim conditions, got ${describe(c)}`);
    for (const [claimPath, predicate] of Object.entries(c)) claims.push(readClaimPredicate(claimPath, predicate, child(claimsPath, claimPath)));
  }
  return {
    methods,
    authenticated,
    scopes: o['scopes'] === undefined ? undefined : readRequirement(o['scopes'], child(path, 'scopes')),
    roles: o['roles'] === undefined ? undefined : readRequirement(o['roles'], child(path, 'roles')),
    claims,
    owner,
    check: o['check'] === undefined ? undefined : readFunction<AuthorizationCheck>(o['check'], child(path, 'check')),
  };
}

function satisfies(held: readonly string[], required: CompiledRequirement): boolean {
  for (const r of required.all) if (!held.includes(r)) return false;
  if (required.any.length === 0) return true;
  for (const r of required.any) if (held.includes(r)) return true;
  return false;
}

function ownerValue(claim: unknown): string | undefined {
  if (typeof claim === 'string') return claim;
  if (typeof claim === 'number' && Number.isSafeInteger(claim)) return String(claim);
  return undefined;
}

const NOT_COVERED = coreDeny('route_not_covered');
const ROLE_REQUIRED = coreDeny('role_required');
const CLAIM_MISMATCH = coreDeny('claim_mismatch');
const NOT_OWNER = coreDeny('not_owner');
const ACCESS_DENIED = coreDeny('access_denied');

/**
 * Compiles one route's rules (or none) into the authorization guard. Returns undefined when there
 * is nothing to check: no rules and uncovered requests allowed.
 */
export function compileAuthorization(
  rulesValue: unknown,
  path: PolicyPath,
  pattern: string,
  routeMethods: readonly string[] | undefined,
  policy: CompiledAuthorizationPolicy,
): Guard | undefined {
  const rules = rulesValue === undefined ? [] : Array.isArray(rulesValue)
    ? readArray(rulesValue, path, { nonEmpty: true }).map((r, i) => readRule(r, child(path, i), pattern, routeMethods))
    : [readRule(rulesValue, path, pattern, routeMethods)];
  if (rules.length === 0 && policy.uncovered === 'allow') return undefined;

  const unauthenticated: DenyOutcome = coreDeny('authentication_required', { headers: [['www-authenticate', policy.challenge]] });
  const scopeDenials = new Map<CompiledRequirement, DenyOutcome>();
  for (const rule of rules) {
    if (rule.scopes === undefined) continue;
    // RFC 6750 §3: `scope` names what was required; it is sent only when details are exposed.
    const scopeList = [...rule.scopes.all, ...rule.scopes.any].join(' ');
    const challenge = policy.exposeDetails ? `Bearer error="insufficient_scope", scope="${scopeList}"` : 'Bearer error="insufficient_scope"';
    scopeDenials.set(rule.scopes, coreDeny('insufficient_scope', { headers: [['www-authenticate', challenge]] }));
  }
  // Rules that apply to each method are resolved once per method and cached (methods are few).
  const byMethod = new Map<string, readonly CompiledRule[]>();
  const applicable = (method: string): readonly CompiledRule[] => {
    let list = byMethod.get(method);
    if (list === undefined) {
      list = rules.filter((r) => r.methods === undefined || r.methods.has(method) || (method === 'HEAD' && r.methods.has('GET')));
      if (byMethod.size < 64) byMethod.set(method, list);
    }
    return list;
  };

  const evaluateRule = (rule: CompiledRule, request: FirewallRequest, identity: Identity | undefined): GuardOutcome | Promise<GuardOutcome> | undefined => {
    if (!rule.authenticated) return undefined;
    if (identity === undefined) return unauthenticated;
    if (rule.scopes !== undefined && !satisfies(identity.scopes, rule.scopes)) return scopeDenials.get(rule.scopes) as DenyOutcome;
    if (rule.roles !== undefined && !satisfies(identity.roles, rule.roles)) return ROLE_REQUIRED;
    for (const claim of rule.claims) if (!claim.test(readClaim(identity.claims, claim.path))) return CLAIM_MISMATCH;
    if (rule.owner !== undefined) {
      const owner = rule.owner;
      const overridden = owner.overrideRoles.length > 0 && owner.overrideRoles.some((r) => identity.roles.includes(r));
      if (!overridden) {
        const expected = ownerValue(readClaim(identity.claims, owner.claim));
        const actual = request.params[owner.param];
        if (expected === undefined || actual === undefined || expected !== actual) return NOT_OWNER;
      }
    }
    if (rule.check !== undefined) {
      const verdict = rule.check(identity, request);
      if (typeof verdict === 'boolean') return verdict ? undefined : ACCESS_DENIED;
      return Promise.resolve(verdict).then((v) => (v === true ? ALLOW : ACCESS_DENIED));
    }
    return undefined;
  };

  return Object.freeze<Guard>({
    id: policy.id,
    kind: 'authorization',
    phase: 'authorization',
    mode: policy.mode,
    onError: 'deny',
    timeoutMs: undefined,
    evaluate(request, context) {
      const list = applicable(request.method);
      if (list.length === 0) return policy.uncovered === 'deny' ? NOT_COVERED : ALLOW;
      const pending: Promise<GuardOutcome>[] = [];
      for (const rule of list) {
        const outcome = evaluateRule(rule, request, context.identity);
        if (outcome === undefined) continue;
        if (outcome instanceof Promise) pending.push(outcome);
        else if (outcome.outcome !== 'allow') return outcome;
      }
      if (pending.length === 0) return ALLOW;
      return Promise.all(pending).then((outcomes) => outcomes.find((o) => o.outcome !== 'allow') ?? ALLOW);
    },
  });
}
