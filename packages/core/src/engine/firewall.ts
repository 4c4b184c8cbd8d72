import type { BodySource } from '../body/read-body.js';
import { FirewallError } from '../errors.js';
import type { AllowOutcome, DenyOutcome, Guard, GuardContext, GuardOutcome, Mode, ResponseBodyHook, ResponseHook } from '../guard.js';
import { coreDeny } from '../guards/common.js';
import type { Identity } from '../identity.js';
import type { Policy } from '../policy/types.js';
import type { RenderedResponse } from '../problem.js';
import { resolveClientIp } from '../request/client-ip.js';
import type { RequestInit } from '../request/firewall-request.js';
import { RawRequestHeaders } from '../request/headers.js';
import { normalizeTarget } from '../request/normalize-path.js';
import { newRequestId } from '../request/request-id.js';
import { parseQuery } from '../request/query.js';
import type { RouteMatch } from '../router.js';
import { DiagnosticThrottle, type Diagnostic } from '../telemetry/telemetry.js';
import { inCanarySlice } from './canary.js';
import { compilePolicy, type CompiledPolicy, type CompiledRoute } from './compile.js';
import type { Decision, GuardResult } from './decision.js';
import { renderDeny, renderRespond } from './render.js';
import { EngineRequest } from './request.js';

/** Shared empty data: most decisions carry none. */
const NO_DATA: Readonly<Record<string, unknown>> = Object.freeze({});

/** Shared empty hook list: most decisions register none. */
const NO_HOOKS: readonly never[] = Object.freeze([]);

/** The header stage is done; `finish` runs the body stage (or returns the decision if it is final). */
export interface PendingDecision {
  readonly decision: Decision;
  /** The byte cap for this request's body (for adapters that read the body themselves). */
  readonly bodyLimit: number;
  readonly bodyTimeoutMs: number;
  finish(body?: BodySource): Promise<Decision>;
}

export interface Firewall {
  /** The version of the policy in force. */
  readonly policyVersion: string;
  /** Does all expensive setup (keys, schemas, stores). Idempotent. */
  ready(): Promise<void>;
  /** Evaluates a whole request: header stage, then body stage. Never throws for request input. */
  decide(init: RequestInit): Promise<Decision>;
  /** Runs the header stage only (Fastify `onRequest`); call `finish` after the body was parsed. */
  begin(init: RequestInit): Promise<PendingDecision>;
  /**
   * Validates and prepares a new policy, then swaps it in atomically. When the new policy is
   * invalid or its setup fails, the running policy stays and the error is thrown.
   */
  update(policy: Policy): Promise<void>;
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const PATH_INVALID = coreDeny('path_invalid');
const PATH_NOT_CANONICAL = coreDeny('path_not_canonical');
const QUERY_INVALID = coreDeny('query_invalid');
const ROUTE_NOT_FOUND = coreDeny('route_not_found');
const GUARD_UNAVAILABLE = coreDeny('guard_unavailable');
const DIAGNOSTIC_INTERVAL_MS = 10_000;
const NO_ANNOTATIONS: Readonly<Record<string, string | number | boolean>> = Object.freeze({});
const now = (): number => performance.now();

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

class TimeoutSignal {
  constructor(readonly ms: number) {}
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutSignal(ms)), ms);
  });
  // A guard that settles after its timeout must not cause an unhandled rejection.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const allowResults = new WeakMap<Guard, { enforce?: GuardResult; monitor?: GuardResult }>();

/**
 * The result of an untimed allow is the same frozen object for every request, which keeps the hot
 * path free of allocation. Keyed by the compiled guard, so it goes away with its policy.
 */
function allowResult(guard: Guard | string, kind: string, mode: Mode): GuardResult {
  if (typeof guard === 'string') return { guard, kind, outcome: 'allow', mode };
  let byMode = allowResults.get(guard);
  if (byMode === undefined) {
    byMode = {};
    allowResults.set(guard, byMode);
  }
  return (byMode[mode] ??= Object.freeze({ guard: guard.id, kind, outcome: 'allow' as const, mode }));
}

/** Everything gathered while one request goes through the chain. */
class Evaluation implements GuardContext {
  readonly results: GuardResult[] = [];
  /** Headers for the answer, whatever it is: the request id first, then what guards added. */
  readonly responseHeaders: (readonly [string, string])[];
  responseHooks: ResponseHook[] | undefined;
  responseBodyHooks: ResponseBodyHook[] | undefined;
  identity: Identity | undefined;
  annotations: Readonly<Record<string, string | number | boolean>> = NO_ANNOTATIONS;
  data: Readonly<Record<string, unknown>> = NO_DATA;
  mode: Mode = 'enforce';
  /** The decisive outcome, once one guard's deny/respond was enforced. */
  final: { guard: Guard | string; outcome: 'deny' | 'respond'; response: RenderedResponse; code: string | undefined; status: number } | undefined;
  /** The first non-enforced deny (monitor), reported as the would-be decision. */
  shadow: { guard: string; code: string; status: number } | undefined;
  readonly started = now();

  constructor(
    readonly policy: CompiledPolicy,
    readonly request: EngineRequest | undefined,
    readonly method: string,
    readonly requestId: string,
    readonly route: RouteMatch | undefined,
    readonly compiledRoute: CompiledRoute | undefined,
    readonly inCanary: boolean | undefined,
  ) {
    this.responseHeaders = [[policy.requestIdHeader, requestId]];
  }

  get store() {
    return this.policy.store;
  }

  now(): number {
    return this.policy.clock();
  }

  onResponse(hook: ResponseHook): void {
    (this.responseHooks ??= []).push(hook);
  }

  onResponseBody(hook: ResponseBodyHook): void {
    (this.responseBodyHooks ??= []).push(hook);
  }

  /** The mode a guard runs in: the most specific setting wins; outside the canary, monitor. */
  modeFor(guardMode: Mode | undefined): Mode {
    if (this.inCanary === false) return 'monitor';
    return guardMode ?? this.compiledRoute?.mode ?? this.policy.mode;
  }
}

/**
 * The state between the header stage and the body stage. The header-stage Decision is built only
 * when asked for (Fastify's onRequest) or when it is final, so `decide()` builds one Decision.
 */
class Pending implements PendingDecision {
  readonly bodyLimit: number;
  readonly bodyTimeoutMs: number;
  readonly #engine: FirewallEngine;
  readonly #evaluation: Evaluation;
  readonly #complete: boolean;
  #decision: Decision | undefined;
  #finished: Promise<Decision> | undefined;

  constructor(engine: FirewallEngine, evaluation: Evaluation) {
    this.#engine = engine;
    this.#evaluation = evaluation;
    const route = evaluation.compiledRoute;
    this.#complete = evaluation.final !== undefined || route === undefined || route.bodyGuards.length === 0;
    const limits = (route ?? evaluation.policy.unmatched).limits;
    this.bodyLimit = limits.bodyBytes;
    this.bodyTimeoutMs = limits.bodyTimeoutMs;
    if (this.#complete) this.#decision = engine.headerDecision(evaluation, true);
  }

  get decision(): Decision {
    this.#decision ??= this.#engine.headerDecision(this.#evaluation, this.#complete);
    return this.#decision;
  }

  finish(body?: BodySource): Promise<Decision> {
    if (this.#complete) return Promise.resolve(this.#decision as Decision);
    this.#finished ??= this.#engine.finishBody(this.#evaluation, body);
    return this.#finished;
  }
}

class FirewallEngine implements Firewall {
  #policy: CompiledPolicy;
  #ready: Promise<void> | undefined;
  /** True once setup succeeded: the hot path then awaits nothing for readiness. */
  #isReady = false;
  #readyFailed = false;
  #warnedUntrustedForwarding = false;
  readonly #diagnostics = new DiagnosticThrottle(DIAGNOSTIC_INTERVAL_MS);

  constructor(policy: CompiledPolicy) {
    this.#policy = policy;
  }

  get policyVersion(): string {
    return this.#policy.version;
  }

  ready(): Promise<void> {
    if (this.#ready === undefined) {
      const policy = this.#policy;
      this.#ready = prepare(policy).then(
        () => {
          this.#isReady = true;
        },
        (error: unknown) => {
          this.#readyFailed = true;
          throw error;
        },
      );
    }
    return this.#ready;
  }

  async update(input: Policy): Promise<void> {
    const next = compilePolicy(input);
    await prepare(next);
    const previous = this.#policy;
    this.#policy = next;
    this.#ready = Promise.resolve();
    this.#isReady = true;
    this.#readyFailed = false;
    // Guards that left the policy are closed once requests that hold them have had time to finish.
    const retired = previous.guards.filter((g) => !next.guards.includes(g) && g.close !== undefined);
    if (retired.length > 0) {
      const timer = setTimeout(() => {
        for (const guard of retired) guard.close?.().catch(() => undefined);
      }, 5_000);
      (timer as { unref?: () => void }).unref?.();
    }
  }

  async close(): Promise<void> {
    const policy = this.#policy;
    await Promise.allSettled(policy.guards.map((g) => g.close?.()));
  }

  #diagnose(policy: CompiledPolicy, diagnostic: Diagnostic): void {
    if (!this.#diagnostics.admit(`${diagnostic.code}:${diagnostic.guard ?? ''}`, policy.clock())) return;
    policy.telemetry.onDiagnostic(diagnostic);
  }

  async decide(init: RequestInit): Promise<Decision> {
    const pending = await this.#header(init);
    return pending.finish();
  }

  begin(init: RequestInit): Promise<PendingDecision> {
    return this.#header(init);
  }

  async #header(init: RequestInit): Promise<Pending> {
    if (!this.#isReady) {
      try {
        await this.ready();
      } catch {
        // Setup failed: every request fails closed with 503, and the failure was thrown from ready().
      }
    }
    const policy = this.#policy;
    const { evaluation, refusal } = this.#start(policy, init);
    if (refusal !== undefined) {
      if (policy.securityHeaders !== undefined) await this.#run(evaluation, [policy.securityHeaders], 0);
      this.#record(evaluation, refusal.by, refusal.by, evaluation.modeFor(undefined), refusal.deny, undefined);
    }
    if (evaluation.final === undefined && !this.#readyFailed && evaluation.compiledRoute !== undefined) {
      await this.#run(evaluation, evaluation.compiledRoute.headerGuards, 0);
    } else if (this.#readyFailed && evaluation.final === undefined) {
      this.#enforceError(evaluation, 'setup', GUARD_UNAVAILABLE);
    }
    return new Pending(this, evaluation);
  }

  /** Runs the body stage of a pending evaluation and reports the final decision. */
  async finishBody(evaluation: Evaluation, body: BodySource | undefined): Promise<Decision> {
    if (body !== undefined && evaluation.request !== undefined) evaluation.request.bodySource = body;
    await this.#run(evaluation, evaluation.compiledRoute?.bodyGuards ?? [], 0);
    const decision = this.#decision(evaluation, true);
    this.#report(evaluation.policy, decision);
    return decision;
  }

  /** The decision after the header stage; reported when it is final. */
  headerDecision(evaluation: Evaluation, complete: boolean): Decision {
    const decision = this.#decision(evaluation, complete);
    if (decision.complete) this.#report(evaluation.policy, decision);
    return decision;
  }

  #report(policy: CompiledPolicy, decision: Decision): void {
    policy.telemetry.onDecision(decision);
  }

  /** Builds the request view, normalizes, routes. Refusals here are attributed to pseudo-guards. */
  #start(policy: CompiledPolicy, init: RequestInit): { evaluation: Evaluation; refusal?: { by: 'normalize' | 'router'; deny: DenyOutcome } } {
    const method = typeof init.method === 'string' ? init.method.toUpperCase() : '';
    const headers = new RawRequestHeaders(init.headers);
    let requestId: string | undefined;
    if (policy.trustIncomingRequestId) {
      const incoming = headers.get(policy.requestIdHeader);
      if (incoming !== undefined && REQUEST_ID.test(incoming)) requestId = incoming;
    }
    requestId ??= newRequestId();
    const target = typeof init.target === 'string' ? init.target : '';
    const normalized = normalizeTarget(target, method, policy.strictCanonical);
    const client = resolveClientIp(init.remoteAddress, headers, policy.trustedProxies, policy.forwardedHeader);
    if (client.untrustedForwarding && !this.#warnedUntrustedForwarding) {
      this.#warnedUntrustedForwarding = true;
      policy.telemetry.onDiagnostic({
        code: 'PC_UNTRUSTED_FORWARDED_HEADER',
        severity: 'warn',
        message: `a ${policy.forwardedHeader} header arrived from a peer that is not in proxy.trusted; it was ignored and the socket address used. Configure proxy.trusted if this service runs behind a proxy.`,
      });
    }
    let query;
    let refusal: DenyOutcome | undefined;
    if (!normalized.ok) refusal = normalized.code === 'path_invalid' ? PATH_INVALID : PATH_NOT_CANONICAL;
    else if (normalized.rawQuery !== '') {
      query = parseQuery(normalized.rawQuery);
      if (query === undefined) refusal = QUERY_INVALID;
    }
    const request = new EngineRequest({
      method,
      target,
      path: normalized.ok ? normalized.path : '/',
      rawPath: normalized.ok ? normalized.rawPath : '',
      rawQuery: normalized.ok ? normalized.rawQuery : '',
      query,
      headers,
      clientIp: client.ip,
      remoteAddress: init.remoteAddress,
      tls: init.tls,
      body: init.body ?? { kind: 'none' },
    });
    const inCanary = policy.canary === undefined ? undefined : inCanarySlice(request, policy.canary.key, policy.canary.basisPoints);

    if (refusal !== undefined) {
      const evaluation = new Evaluation(policy, request, method, requestId, undefined, policy.unmatched, inCanary);
      return { evaluation, refusal: { by: 'normalize', deny: refusal } };
    }

    const found = normalized.ok && normalized.path !== '*' ? policy.router.find(request.path) : undefined;
    if (found === undefined) {
      const evaluation = new Evaluation(policy, request, method, requestId, undefined, policy.unmatched, inCanary);
      return policy.denyUnmatched ? { evaluation, refusal: { by: 'router', deny: ROUTE_NOT_FOUND } } : { evaluation };
    }
    const entry = found.value;
    let compiled = entry.byMethod.get(method) ?? entry.anyMethod;
    if (compiled === undefined && method === 'OPTIONS' && entry.preflight !== undefined && headers.has('access-control-request-method')) {
      compiled = entry.preflight;
    }
    request.params = found.params;
    if (compiled === undefined) {
      const evaluation = new Evaluation(policy, request, method, requestId, { id: entry.pattern, pattern: entry.pattern, params: found.params }, policy.unmatched, inCanary);
      return { evaluation, refusal: { by: 'router', deny: coreDeny('method_not_allowed', { headers: [['allow', entry.allow]] }) } };
    }
    return { evaluation: new Evaluation(policy, request, method, requestId, { id: compiled.id, pattern: compiled.pattern, params: found.params }, compiled, inCanary) };
  }

  /**
   * Runs guards in order from `from`. Stays synchronous while guards answer synchronously (the
   * common case), and continues asynchronously from the first guard that returns a promise.
   * Timings use one clock read per guard: each guard's duration ends where the next one starts.
   */
  #run(evaluation: Evaluation, guards: readonly Guard[], from: number): void | Promise<void> {
    const request = evaluation.request as EngineRequest;
    const timeSyncGuards = evaluation.policy.timeSyncGuards;
    let last = timeSyncGuards ? now() : 0;
    for (let i = from; i < guards.length; i++) {
      if (evaluation.final !== undefined) return;
      const guard = guards[i] as Guard;
      const mode = evaluation.modeFor(guard.mode);
      evaluation.mode = mode;
      let result: GuardOutcome | Promise<GuardOutcome>;
      try {
        result = guard.evaluate(request, evaluation);
      } catch (error) {
        this.#fail(evaluation, guard, mode, error, undefined);
        if (timeSyncGuards) last = now();
        continue;
      }
      if (isPromise(result)) return this.#continueAsync(evaluation, guards, i, mode, result, timeSyncGuards ? last : now());
      if (timeSyncGuards) {
        const end = now();
        this.#record(evaluation, guard, guard.kind, mode, result, end - last);
        last = end;
      } else {
        this.#record(evaluation, guard, guard.kind, mode, result, undefined);
      }
    }
  }

  async #continueAsync(evaluation: Evaluation, guards: readonly Guard[], index: number, mode: Mode, pending: Promise<GuardOutcome>, started: number): Promise<void> {
    const guard = guards[index] as Guard;
    try {
      const timeoutMs = guard.timeoutMs ?? evaluation.policy.guardTimeoutMs;
      const outcome = timeoutMs === Number.POSITIVE_INFINITY ? await pending : await withTimeout(pending, timeoutMs);
      this.#record(evaluation, guard, guard.kind, mode, outcome, now() - started);
    } catch (error) {
      this.#fail(evaluation, guard, mode, error, started);
    }
    await this.#run(evaluation, guards, index + 1);
  }

  /** A guard threw or timed out: record it, report it, and apply its `onError`. */
  #fail(evaluation: Evaluation, guard: Guard, mode: Mode, error: unknown, started: number | undefined): void {
    const timedOut = error instanceof TimeoutSignal;
    this.#diagnose(evaluation.policy, {
      code: timedOut ? 'PC_GUARD_TIMEOUT' : 'PC_GUARD_FAILED',
      severity: 'error',
      guard: guard.id,
      // Only the error's class: messages can carry request data.
      message: timedOut ? `guard "${guard.id}" did not settle within ${(error as TimeoutSignal).ms} ms` : `guard "${guard.id}" threw ${error instanceof Error ? error.name : typeof error}`,
    });
    evaluation.results.push({
      guard: guard.id,
      kind: guard.kind,
      outcome: 'error',
      mode,
      error: timedOut ? 'ERR_GUARD_TIMEOUT' : 'ERR_GUARD_FAILED',
      failureMode: guard.onError,
      ...(started === undefined ? {} : { durationMs: now() - started }),
    });
    if (guard.onError === 'deny') this.#applyDeny(evaluation, guard, mode, GUARD_UNAVAILABLE);
  }

  #record(evaluation: Evaluation, guard: Guard | string, kind: string, mode: Mode, outcome: GuardOutcome, durationMs: number | undefined): void {
    const id = typeof guard === 'string' ? guard : guard.id;
    // A denial the guard itself only reports is monitored; one that cannot be monitored (the
    // request can no longer be passed on intact) is enforced.
    if (outcome.outcome === 'deny' && outcome.reportOnly === true && outcome.evenInMonitor !== true) mode = 'monitor';
    if (mode === 'monitor' && outcome.outcome === 'deny' && outcome.evenInMonitor === true) mode = 'enforce';
    if (outcome.outcome === 'allow') {
      evaluation.results.push(durationMs === undefined ? allowResult(guard, kind, mode) : { guard: id, kind, outcome: 'allow', mode, durationMs });
      this.#applyAllow(evaluation, outcome);
      return;
    }
    evaluation.results.push({
      guard: id,
      kind,
      outcome: outcome.outcome,
      mode,
      ...(outcome.outcome === 'deny' ? { code: outcome.code } : {}),
      status: outcome.status,
      ...(durationMs === undefined ? {} : { durationMs }),
    });
    if (outcome.outcome === 'deny') {
      if (outcome.annotations !== undefined) evaluation.annotations = { ...evaluation.annotations, ...outcome.annotations };
      this.#applyDeny(evaluation, guard, mode, outcome);
    } else if (mode === 'enforce') {
      evaluation.final = {
        guard,
        outcome: 'respond',
        response: renderRespond(outcome, evaluation.responseHeaders),
        code: undefined,
        status: outcome.status,
      };
    }
  }

  #applyAllow(evaluation: Evaluation, outcome: AllowOutcome): void {
    if (outcome.identity !== undefined) evaluation.identity = outcome.identity;
    if (outcome.responseHeaders !== undefined) {
      const headers = evaluation.responseHeaders;
      for (const header of outcome.responseHeaders) headers.push(header);
    }
    if (outcome.annotations !== undefined) evaluation.annotations = { ...evaluation.annotations, ...outcome.annotations };
    if (outcome.data !== undefined) evaluation.data = { ...evaluation.data, ...outcome.data };
  }

  #applyDeny(evaluation: Evaluation, guard: Guard | string, mode: Mode, deny: DenyOutcome): void {
    const id = typeof guard === 'string' ? guard : guard.id;
    if (mode === 'monitor' && deny.evenInMonitor !== true) {
      evaluation.shadow ??= { guard: id, code: deny.code, status: deny.status };
      return;
    }
    const policy = evaluation.policy;
    evaluation.final = {
      guard,
      outcome: 'deny',
      code: deny.code,
      status: deny.status,
      response: renderDeny(deny, {
        method: evaluation.method,
        requestId: evaluation.requestId,
        exposeDetails: policy.exposeDetails,
        responseHeaders: evaluation.responseHeaders,
      }),
    };
  }

  #enforceError(evaluation: Evaluation, id: string, deny: DenyOutcome): void {
    evaluation.results.push({ guard: id, kind: id, outcome: 'error', mode: 'enforce', error: 'ERR_SETUP_FAILED', failureMode: 'deny' });
    this.#applyDeny(evaluation, id, 'enforce', deny);
  }

  #decision(evaluation: Evaluation, complete: boolean): Decision {
    const final = evaluation.final;
    const shadow = final === undefined ? evaluation.shadow : undefined;
    const request = evaluation.request;
    const loaded = request?.loadedBody;
    const policy = evaluation.policy;
    return {
      outcome: final?.outcome ?? (shadow === undefined ? 'allow' : 'deny'),
      enforced: final !== undefined || shadow === undefined,
      mode: evaluation.modeFor(undefined),
      inCanary: evaluation.inCanary,
      guard: final === undefined ? shadow?.guard : typeof final.guard === 'string' ? final.guard : final.guard.id,
      code: final?.code ?? shadow?.code,
      status: final?.status ?? shadow?.status,
      results: evaluation.results,
      route: evaluation.route,
      policyVersion: policy.version,
      requestId: evaluation.requestId,
      method: evaluation.method,
      path: request?.rawPath === '' ? undefined : request?.path,
      identity: evaluation.identity,
      clientIp: request?.clientIp,
      annotations: evaluation.annotations,
      data: evaluation.data,
      responseHeaders: evaluation.responseHeaders,
      response: final?.response,
      body: loaded !== undefined && loaded.ok ? loaded.body : undefined,
      responseHooks: evaluation.responseHooks ?? NO_HOOKS,
      responseBodyHooks: evaluation.responseBodyHooks ?? NO_HOOKS,
      complete: final !== undefined || complete,
      durationMs: now() - evaluation.started,
    };
  }
}

async function prepare(policy: CompiledPolicy): Promise<void> {
  for (const diagnostic of policy.diagnostics) policy.telemetry.onDiagnostic(diagnostic);
  const results = await Promise.allSettled(policy.guards.map((guard) => guard.ready?.()));
  const failed = results.findIndex((r) => r.status === 'rejected');
  if (failed !== -1) {
    const guard = policy.guards[failed] as Guard;
    const reason = (results[failed] as PromiseRejectedResult).reason as unknown;
    if (reason instanceof FirewallError) throw reason;
    throw new FirewallError('ERR_SETUP_FAILED', `guard "${guard.id}" failed to get ready: ${reason instanceof Error ? reason.message : String(reason)}`, { cause: reason });
  }
}

/**
 * Validates the policy synchronously (a bad value throws a FirewallError naming its path) and
 * returns the firewall. Call `await firewall.ready()` before serving.
 */
export function createFirewall(policy: Policy): Firewall {
  return new FirewallEngine(compilePolicy(policy));
}
