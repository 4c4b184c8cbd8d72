import { PolicyError, FirewallError } from '../errors.js';
import { GUARD_PHASES, isGuardDefinition, type CompileContext, type Guard, type Mode } from '../guard.js';
import { compileAuthorization, readAuthorizationPolicy } from '../guards/authorization.js';
import { compileCors } from '../guards/cors.js';
import { compileIpFilter } from '../guards/ip-filter.js';
import { compileMethodOverride } from '../guards/method-override.js';
import { DEFAULT_LIMITS, compileRequestLimits, readLimits, type ResolvedLimits } from '../guards/request-limits.js';
import { compileSecurityHeaders } from '../guards/security-headers.js';
import { CidrList, parseCidr } from '../net/ip.js';
import {
  child,
  describe,
  readArray,
  readBoolean,
  readEnum,
  readInteger,
  readNumber,
  readObject,
  readOptionalString,
  readString,
  readStringArray,
  type PolicyPath,
} from '../policy/reader.js';
import type { CanaryKey } from '../policy/types.js';
import { Router, checkPattern } from '../router.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/store.js';
import { DiagnosticThrottle, combineTelemetry, type Diagnostic, type Telemetry } from '../telemetry/telemetry.js';
import { compileDecisionEvents } from '../telemetry/decision-events.js';
import type { ForwardedHeader } from '../request/client-ip.js';
import { compileBodyGuard } from './body-guard.js';
import type { BodyOptions } from './request.js';

const POLICY_KEYS = [
  'version', 'mode', 'canary', 'proxy', 'paths', 'requestId', 'exposeDetails', 'limits', 'body', 'ipFilter', 'cors',
  'securityHeaders', 'methodOverride', 'routes', 'unmatchedRoutes', 'guards', 'guardTimeoutMs', 'store', 'telemetry',
  'events', 'clock', 'timings', 'authorization',
] as const;
const ROUTE_KEYS = ['path', 'methods', 'id', 'mode', 'limits', 'ipFilter', 'cors', 'guards', 'authorize'] as const;
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REQUEST_ID_HEADER = /^[a-z0-9-]+$/;
const RUNTIME_DIAGNOSTIC_INTERVAL_MS = 60_000;

/** A route with its guard chain, compiled once. */
export interface CompiledRoute {
  readonly id: string;
  readonly pattern: string;
  readonly mode: Mode | undefined;
  /** Guards before the body is read (request, identity, authorization, rate-limit phases), in order. */
  readonly headerGuards: readonly Guard[];
  /** Body-phase guards; the first is always the body reader. */
  readonly bodyGuards: readonly Guard[];
  readonly limits: ResolvedLimits;
}

/** Every route registered at one path pattern, by method. */
export interface RouteEntry {
  readonly pattern: string;
  readonly byMethod: Map<string, CompiledRoute>;
  /** The route without a method list, if any. */
  anyMethod: CompiledRoute | undefined;
  /** The `Allow` header value when a method is not allowed. */
  allow: string;
  /** Guards run for a CORS preflight to a path whose routes do not list OPTIONS. */
  preflight: CompiledRoute | undefined;
}

export interface CompiledPolicy {
  readonly version: string;
  readonly mode: Mode;
  readonly canary: { readonly basisPoints: number; readonly key: CanaryKey } | undefined;
  readonly trustedProxies: CidrList;
  readonly forwardedHeader: ForwardedHeader;
  readonly strictCanonical: boolean;
  readonly requestIdHeader: string;
  readonly trustIncomingRequestId: boolean;
  readonly exposeDetails: boolean;
  readonly router: Router<RouteEntry>;
  /** Chain for requests that match no route (when unmatched routes are allowed). */
  readonly unmatched: CompiledRoute;
  readonly denyUnmatched: boolean;
  readonly guardTimeoutMs: number;
  /** `timings: 'all'`: time every guard, not only asynchronous ones. */
  readonly timeSyncGuards: boolean;
  readonly store: Store;
  readonly telemetry: Telemetry;
  readonly clock: () => number;
  /** Run before a refusal found while routing, so that those answers carry the security headers too. */
  readonly securityHeaders: Guard | undefined;
  /** Every distinct guard, for ready() and close(). */
  readonly guards: readonly Guard[];
  readonly diagnostics: readonly Diagnostic[];
}

function phaseIndex(guard: Guard): number {
  return GUARD_PHASES.indexOf(guard.phase);
}

function sortByPhase(guards: Guard[]): Guard[] {
  // Array.prototype.sort is stable: policy order is kept within a phase.
  return guards.sort((a, b) => phaseIndex(a) - phaseIndex(b));
}

function compileGuardList(value: unknown, path: PolicyPath, context: Omit<CompileContext, 'path'>): Guard[] {
  return readArray(value, path).flatMap((definition, index) => {
    const guardPath = child(path, index);
    if (!isGuardDefinition(definition)) {
      throw new PolicyError(guardPath, `expected a guard made by a guard factory (e.g. jwt({...})), got ${describe(definition)}`);
    }
    let compiled: Guard | readonly Guard[];
    try {
      compiled = definition.compile({ ...context, path: guardPath });
    } catch (error) {
      if (error instanceof FirewallError) throw error;
      throw new FirewallError('ERR_POLICY_INVALID', `guard "${definition.kind}" could not be compiled: ${(error as Error)?.message ?? String(error)}`, { path: guardPath, cause: error });
    }
    // A definition may compile to guards in several phases (e.g. a signed request: the signature
    // before the body is read, the body digest after).
    const guards: readonly Guard[] = Array.isArray(compiled) ? compiled : [compiled as Guard];
    if (guards.length === 0) throw new PolicyError(guardPath, `guard "${definition.kind}" compiled to no guard`);
    for (const guard of guards) {
      if (!(GUARD_PHASES as readonly string[]).includes(guard.phase)) {
        throw new PolicyError(guardPath, `guard "${definition.kind}" declares an unknown phase ${describe(guard.phase)}`);
      }
    }
    return guards;
  });
}

/** Guard ids name results in decisions and telemetry: two guards of one chain may not share one. */
function checkUniqueIds(chain: readonly Guard[], where: string): void {
  const seen = new Set<string>();
  for (const guard of chain) {
    if (seen.has(guard.id)) {
      throw new PolicyError(where, `two guards share the id "${guard.id}"; give one of them another \`id\``);
    }
    seen.add(guard.id);
  }
}

function readCanaryKey(value: unknown, path: PolicyPath): CanaryKey {
  if (value === undefined || value === 'ip' || value === 'path') return value ?? 'ip';
  const o = readObject(value, path, ['header']);
  return { header: readString(o['header'], child(path, 'header')).toLowerCase() };
}

export function compilePolicy(input: unknown): CompiledPolicy {
  const p = readObject(input, '', POLICY_KEYS);
  const diagnostics: Diagnostic[] = [];
  const version = readOptionalString(p['version'], 'version') ?? '1';
  const mode = readEnum<Mode>(p['mode'], 'mode', ['enforce', 'monitor'], 'enforce');

  let canary: CompiledPolicy['canary'];
  if (p['canary'] !== undefined) {
    const c = readObject(p['canary'], 'canary', ['percent', 'key']);
    const percent = readNumber(c['percent'], 'canary.percent', 0, 100);
    canary = { basisPoints: Math.round(percent * 100), key: readCanaryKey(c['key'], 'canary.key') };
  }

  let trustedProxies = new CidrList([]);
  let forwardedHeader: ForwardedHeader = 'x-forwarded-for';
  if (p['proxy'] !== undefined) {
    const pr = readObject(p['proxy'], 'proxy', ['trusted', 'header']);
    const texts = readStringArray(pr['trusted'], 'proxy.trusted');
    trustedProxies = new CidrList(
      texts.map((text, i) => {
        const cidr = parseCidr(text);
        if (cidr === undefined) throw new PolicyError(`proxy.trusted[${i}]`, `expected an IPv4/IPv6 address or CIDR, got ${JSON.stringify(text)}`);
        return cidr;
      }),
    );
    forwardedHeader = readEnum<ForwardedHeader>(pr['header'], 'proxy.header', ['x-forwarded-for', 'forwarded'], 'x-forwarded-for');
  }

  const paths = p['paths'] === undefined ? {} : readObject(p['paths'], 'paths', ['strictCanonical', 'caseSensitive']);
  const strictCanonical = readBoolean(paths['strictCanonical'], 'paths.strictCanonical', false);
  const caseSensitive = readBoolean(paths['caseSensitive'], 'paths.caseSensitive', false);

  const rid = p['requestId'] === undefined ? {} : readObject(p['requestId'], 'requestId', ['header', 'trustIncoming']);
  const requestIdHeader = (readOptionalString(rid['header'], 'requestId.header') ?? 'x-request-id').toLowerCase();
  if (!REQUEST_ID_HEADER.test(requestIdHeader)) throw new PolicyError('requestId.header', `expected a header name, got ${JSON.stringify(requestIdHeader)}`);
  const trustIncomingRequestId = readBoolean(rid['trustIncoming'], 'requestId.trustIncoming', false);
  const exposeDetails = readBoolean(p['exposeDetails'], 'exposeDetails', false);

  const limits = p['limits'] === undefined ? DEFAULT_LIMITS : readLimits(p['limits'], 'limits', DEFAULT_LIMITS, ['id', 'mode']);
  // readLimits has checked the keys; the guard reads its `id` and `mode` from the same object.
  const limitsOptions = p['limits'] === undefined ? {} : (p['limits'] as Record<string, unknown>);
  const b = p['body'] === undefined ? {} : readObject(p['body'], 'body', ['strictUtf8', 'rejectDuplicateKeys']);
  const bodyOptions: BodyOptions = {
    strictUtf8: readBoolean(b['strictUtf8'], 'body.strictUtf8', true),
    rejectDuplicateKeys: readBoolean(b['rejectDuplicateKeys'], 'body.rejectDuplicateKeys', false),
  };

  const clock = p['clock'] === undefined ? Date.now : (() => {
    if (typeof p['clock'] !== 'function') throw new PolicyError('clock', `expected a function, got ${describe(p['clock'])}`);
    return p['clock'] as () => number;
  })();
  const store = p['store'] === undefined ? new MemoryStore({ now: clock }) : readStore(p['store']);
  const sinks: Telemetry[] = [];
  if (p['telemetry'] !== undefined) {
    const list = Array.isArray(p['telemetry']) ? (p['telemetry'] as unknown[]) : [p['telemetry']];
    list.forEach((sink, i) => {
      const sinkPath = Array.isArray(p['telemetry']) ? `telemetry[${i}]` : 'telemetry';
      if (typeof sink !== 'object' || sink === null || typeof (sink as Telemetry).onDecision !== 'function' || typeof (sink as Telemetry).onDiagnostic !== 'function') {
        throw new PolicyError(sinkPath, 'expected a Telemetry with onDecision and onDiagnostic methods');
      }
      sinks.push(sink as Telemetry);
    });
  }
  if (p['events'] !== undefined) sinks.push(compileDecisionEvents(p['events'], 'events', clock));
  const telemetry = combineTelemetry(sinks);

  const guardTimeoutMs = p['guardTimeoutMs'] === undefined ? 2_000 : readInteger(p['guardTimeoutMs'], 'guardTimeoutMs', { min: 1, max: 60_000 });
  const reported = new Set<string>();
  // While compiling, diagnostics are collected and sent by ready(); a guard that reports later (a
  // JWKS endpoint that went down) reaches telemetry at once, at most once a minute per code and guard.
  let compiling = true;
  const runtimeReports = new DiagnosticThrottle(RUNTIME_DIAGNOSTIC_INTERVAL_MS);
  const compileContext: Omit<CompileContext, 'path'> = {
    store,
    report(diagnostic) {
      const key = `${diagnostic.code}:${diagnostic.guard ?? ''}:${diagnostic.path ?? ''}`;
      if (compiling) {
        if (reported.has(key)) return;
        reported.add(key);
        diagnostics.push(diagnostic);
        return;
      }
      if (runtimeReports.admit(key, clock())) telemetry.onDiagnostic(diagnostic);
    },
  };

  // Policy-wide request-phase guards, in a fixed order: security headers and CORS first (so that
  // every answer, denials included, carries their headers), then the cheapest and most decisive checks.
  const methodOverride = readEnum(p['methodOverride'], 'methodOverride', ['deny', 'allow'], 'deny');
  // Only an absent value means the defaults: `null` is a mistake, refused by the reader.
  const securityHeadersGuard = p['securityHeaders'] === false ? undefined : compileSecurityHeaders(p['securityHeaders'] === undefined ? {} : p['securityHeaders'], 'securityHeaders');
  const methodOverrideGuard = methodOverride === 'deny' ? compileMethodOverride() : undefined;
  const globalIpFilter = p['ipFilter'] === undefined ? undefined : compileIpFilter(p['ipFilter'], 'ipFilter');
  const globalLimitsGuard = compileRequestLimits(limits, limitsOptions, 'limits');
  const globalCors = p['cors'] === undefined ? undefined : compileCors(p['cors'], 'cors');
  const policyGuards = p['guards'] === undefined ? [] : compileGuardList(p['guards'], 'guards', compileContext);
  const authorizationPolicy = readAuthorizationPolicy(p['authorization'], 'authorization', exposeDetails);
  const present = (guards: (Guard | undefined)[]): Guard[] => guards.filter((g): g is Guard => g !== undefined);
  const allGuards = new Set<Guard>(present([securityHeadersGuard, methodOverrideGuard, globalIpFilter, globalLimitsGuard, globalCors, ...policyGuards]));
  const limitsMode = globalLimitsGuard.mode;

  const buildRoute = (where: PolicyPath, id: string, pattern: string, routeMode: Mode | undefined, routeLimits: ResolvedLimits, limitsGuard: Guard, extra: Guard[], cors: Guard | undefined): CompiledRoute => {
    // CORS runs right after the security headers: its headers then ride on every later denial too,
    // so a browser application can read the problem body of an IP or limit refusal.
    const chain = sortByPhase(present([securityHeadersGuard, cors, methodOverrideGuard, globalIpFilter, limitsGuard, ...policyGuards, ...extra]));
    checkUniqueIds(chain, where);
    const header = chain.filter((g) => g.phase !== 'body');
    const body = [compileBodyGuard(routeLimits, bodyOptions, limitsMode), ...chain.filter((g) => g.phase === 'body')];
    return { id, pattern, mode: routeMode, headerGuards: header, bodyGuards: body, limits: routeLimits };
  };

  const router = new Router<RouteEntry>(caseSensitive);
  const routes = p['routes'] === undefined ? [] : readArray(p['routes'], 'routes');
  const entries: RouteEntry[] = [];
  // Entries whose HEAD is only implied by a GET route: an explicit HEAD route replaces it, in
  // whatever order the two routes are listed.
  const impliedHead = new Set<RouteEntry>();
  routes.forEach((raw, index) => {
    const path = `routes[${index}]`;
    const r = readObject(raw, path, ROUTE_KEYS);
    const pattern = readString(r['path'], child(path, 'path'));
    const problem = checkPattern(pattern);
    if (problem !== undefined) throw new PolicyError(child(path, 'path'), problem);
    const methods = r['methods'] === undefined ? undefined : readStringArray(r['methods'], child(path, 'methods'), { nonEmpty: true }).map((m, i) => {
      if (!METHOD.test(m)) throw new PolicyError(child(child(path, 'methods'), i), `expected an HTTP method, got ${JSON.stringify(m)}`);
      return m.toUpperCase();
    });
    const id = readOptionalString(r['id'], child(path, 'id')) ?? `${methods === undefined ? '*' : methods.join(',')} ${pattern}`;
    const routeMode = r['mode'] === undefined ? undefined : readEnum<Mode>(r['mode'], child(path, 'mode'), ['enforce', 'monitor']);
    const routeLimits = r['limits'] === undefined ? limits : readLimits(r['limits'], child(path, 'limits'), limits);
    const limitsGuard = r['limits'] === undefined ? globalLimitsGuard : compileRequestLimits(routeLimits, {}, child(path, 'limits'));
    const extra: Guard[] = [];
    if (r['ipFilter'] !== undefined) extra.push(compileIpFilter(r['ipFilter'], child(path, 'ipFilter'), 'route-ip-filter'));
    if (r['guards'] !== undefined) extra.push(...compileGuardList(r['guards'], child(path, 'guards'), compileContext));
    const authorization = compileAuthorization(r['authorize'], child(path, 'authorize'), pattern, methods, authorizationPolicy);
    if (authorization !== undefined) extra.push(authorization);
    const cors = r['cors'] === false ? undefined : r['cors'] === undefined ? globalCors : compileCors(r['cors'], child(path, 'cors'));
    const route = buildRoute(child(path, 'guards'), id, pattern, routeMode, routeLimits, limitsGuard, extra, cors);
    for (const guard of [...route.headerGuards, ...route.bodyGuards.slice(1)]) allGuards.add(guard);

    const fresh: RouteEntry = { pattern, byMethod: new Map(), anyMethod: undefined, allow: '', preflight: undefined };
    let entry: RouteEntry;
    try {
      entry = router.add(pattern, fresh) ?? fresh;
    } catch (error) {
      throw new PolicyError(child(path, 'path'), (error as Error).message);
    }
    if (entry === fresh) entries.push(entry);
    if (methods === undefined) {
      if (entry.anyMethod !== undefined) throw new PolicyError(child(path, 'path'), `duplicates the route "${entry.anyMethod.id}"`);
      entry.anyMethod = route;
    } else {
      for (const method of methods) {
        const existing = entry.byMethod.get(method);
        if (method === 'HEAD' && impliedHead.has(entry)) impliedHead.delete(entry);
        else if (existing !== undefined) throw new PolicyError(child(path, 'methods'), `${method} ${pattern} is already covered by the route "${existing.id}"`);
        entry.byMethod.set(method, route);
        if (method === 'GET' && !methods.includes('HEAD') && !entry.byMethod.has('HEAD')) {
          entry.byMethod.set('HEAD', route);
          impliedHead.add(entry);
        }
      }
    }
    if (cors !== undefined && entry.preflight === undefined) {
      entry.preflight = { ...route, headerGuards: route.headerGuards.filter((g) => g.phase === 'request'), bodyGuards: [] };
    }
  });
  for (const entry of entries) {
    const allowed = new Set(entry.byMethod.keys());
    if (entry.preflight !== undefined) allowed.add('OPTIONS');
    entry.allow = [...allowed].sort().join(', ');
  }

  const denyUnmatched = readEnum(p['unmatchedRoutes'], 'unmatchedRoutes', ['allow', 'deny'], 'allow') === 'deny';
  const unmatchedAuthorization = compileAuthorization(undefined, 'authorization', '', undefined, authorizationPolicy);
  const unmatched = buildRoute('guards', '(unmatched)', '', undefined, limits, globalLimitsGuard, unmatchedAuthorization === undefined ? [] : [unmatchedAuthorization], globalCors);
  compiling = false;

  return {
    version,
    mode,
    canary,
    trustedProxies,
    forwardedHeader,
    strictCanonical,
    requestIdHeader,
    trustIncomingRequestId,
    exposeDetails,
    router,
    unmatched,
    denyUnmatched,
    guardTimeoutMs,
    timeSyncGuards: readEnum(p['timings'], 'timings', ['async', 'all'], 'async') === 'all',
    store,
    telemetry,
    clock,
    securityHeaders: securityHeadersGuard,
    guards: [...allGuards],
    diagnostics,
  };
}

function readStore(value: unknown): Store {
  const s = value as Store;
  if (typeof value !== 'object' || value === null || typeof s.increment !== 'function' || typeof s.setIfAbsent !== 'function' || typeof s.get !== 'function' || typeof s.set !== 'function' || typeof s.delete !== 'function') {
    throw new PolicyError('store', 'expected a Store (increment, setIfAbsent, get, set, delete)');
  }
  return s;
}
