import type { Identity } from './identity.js';
import type { ProblemError } from './problem.js';
import type { PolicyPath } from './policy/reader.js';
import type { FirewallRequest } from './request/firewall-request.js';
import type { RouteMatch } from './router.js';
import type { Store } from './store/store.js';
import type { Diagnostic } from './telemetry/telemetry.js';

export type Mode = 'enforce' | 'monitor';
export type FailureMode = 'deny' | 'allow';

/**
 * The stage a guard runs in. The engine runs stages in this order, and guards inside a stage in
 * policy order. Everything before `body` runs before the body is read (Fastify `onRequest`), so a
 * denied request never has its body read.
 */
export const GUARD_PHASES = ['request', 'identity', 'authorization', 'rate-limit', 'body'] as const;
export type GuardPhase = (typeof GUARD_PHASES)[number];

/** The guard lets the request continue, optionally contributing data to the Decision. */
export interface AllowOutcome {
  readonly outcome: 'allow';
  /** Set by identity guards; later guards and the Decision read it. */
  readonly identity?: Identity;
  /** Headers the adapter sets on the response before the handler runs (the handler may override). */
  readonly responseHeaders?: ReadonlyArray<readonly [string, string]>;
  /** Small facts for telemetry and later guards, e.g. `{ 'graphql.cost': 12 }`. */
  readonly annotations?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Values for the handler, never for telemetry: what the guard validated, in the form it
   * validated it (e.g. the OpenAPI guard's typed parameters), under the guard package's own key.
   * On `Decision.data`; later guards' keys replace earlier ones.
   */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** The guard refuses the request. A denial is data, never an exception. */
export interface DenyOutcome {
  readonly outcome: 'deny';
  readonly status: number;
  /** Stable, documented code; also the problem `type` suffix. */
  readonly code: string;
  readonly title: string;
  /** Fixed, safe text. Never request data. */
  readonly detail?: string;
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  /**
   * Enforce this denial even in monitor mode. Only for a request that can no longer be passed on
   * intact (e.g. a chunked body that passed the byte cap and was partly consumed).
   */
  readonly evenInMonitor?: boolean;
  /**
   * Report this denial but do not enforce it, whatever the guard's mode: the guard itself runs part
   * of its checks in monitor mode (an OpenAPI operation adopted in `monitor`, undocumented routes
   * under `undocumented: 'monitor'`). It is recorded as a monitored denial.
   */
  readonly reportOnly?: boolean;
  /**
   * Facts for telemetry and the Decision, never for the client: e.g. the precise reason behind a
   * deliberately coarse code (`{ 'auth.reason': 'signature' }` behind `token_invalid`).
   */
  readonly annotations?: Readonly<Record<string, string | number | boolean>>;
  /**
   * How the refusal is rendered: `problem` (default, RFC 9457 problem+json) or `graphql` (the
   * GraphQL-over-HTTP error format, `{"errors":[…]}` as application/graphql-response+json), for a
   * GraphQL endpoint whose clients read only that.
   */
  readonly format?: 'problem' | 'graphql';
  /**
   * What exactly was wrong, for the client to fix it (contract validation), rendered as the
   * problem's `errors` member. Only pointers, keywords and fixed messages: never request values.
   */
  readonly errors?: readonly ProblemError[];
  /** Problem members that may be revealed (only when the guard's exposeDetails allows it). */
  readonly extensions?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

/** The guard answers the request itself (e.g. a CORS preflight). Only when enforced. */
export interface RespondOutcome {
  readonly outcome: 'respond';
  readonly status: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

export type GuardOutcome = AllowOutcome | DenyOutcome | RespondOutcome;

/** A mutable view of the response, given to response-phase hooks just before headers are sent. */
export interface ResponseView {
  readonly status: number;
  getHeader(name: string): string | undefined;
  setHeader(name: string, value: string): void;
  removeHeader(name: string): void;
}

export type ResponseHook = (response: ResponseView) => void;

/** The response body as the adapter is about to send it, for response-body hooks (validation). */
export interface ResponseBodyView {
  readonly status: number;
  getHeader(name: string): string | undefined;
  /**
   * The serialized body (empty when there is none). `undefined` when the adapter could not hold it:
   * a streamed body, or one over the hook's `maxBytes`; that response goes out as it is.
   */
  readonly body: Uint8Array | undefined;
}

/**
 * A response sent instead of the handler's. The adapter keeps the handler's headers except the
 * representation ones (`Content-*`, `ETag`, `Last-Modified`, `Transfer-Encoding`), which would
 * describe the body that was withheld, and sets these.
 */
export interface ResponseReplacement {
  readonly status: number;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

/** Inspects the whole response body before it is sent; may replace the response. */
export interface ResponseBodyHook {
  /** The largest body the adapter buffers for this hook; a larger one is streamed through unseen. */
  readonly maxBytes: number;
  inspect(response: ResponseBodyView): ResponseReplacement | undefined;
}

/** What a guard sees besides the request. One per request; shared by all guards. */
export interface GuardContext {
  readonly route: RouteMatch | undefined;
  readonly requestId: string;
  /** The identity established so far (by an earlier identity guard), if any. */
  readonly identity: Identity | undefined;
  readonly annotations: Readonly<Record<string, string | number | boolean>>;
  readonly store: Store;
  /** The mode this guard runs in for this request (guard, route, policy and canary applied). */
  readonly mode: Mode;
  /** Milliseconds since the epoch; a guard must use this rather than Date.now() so tests can fix it. */
  now(): number;
  /** Registers a response-phase hook for this request. */
  onResponse(hook: ResponseHook): void;
  /**
   * Registers a response-body hook for this request: the adapter buffers the handler's response
   * (up to the hook's `maxBytes`) and lets the hook inspect, and possibly replace, it before anything
   * is sent. Costs a buffer per response, so guards register it only where they need it.
   */
  onResponseBody(hook: ResponseBodyHook): void;
}

/** What a guard factory receives when the policy is compiled. */
export interface CompileContext {
  /** Path of this guard in the policy, e.g. `routes[1].guards[0]`, for error messages. */
  readonly path: PolicyPath;
  readonly store: Store;
  /**
   * Reports a diagnostic. At compile time (a spoofable rate-limit key) it is sent once, by
   * `ready()`; kept and called later (a key endpoint that went down) it goes to telemetry at once,
   * at most once a minute per code and guard.
   */
  report(diagnostic: Diagnostic): void;
}

/** A compiled guard: frozen, built once per policy, evaluated per request. */
export interface Guard {
  /** Unique within the policy; the `guard` of decisions and telemetry. */
  readonly id: string;
  /** The factory name, e.g. `ip-filter`. */
  readonly kind: string;
  readonly phase: GuardPhase;
  /** When undefined, the guard follows the route's or the policy's mode. */
  readonly mode: Mode | undefined;
  readonly onError: FailureMode;
  /** Bound on an asynchronous evaluation; past it the result is an error outcome. `Infinity` for guards that bound themselves (the body reader). */
  readonly timeoutMs: number | undefined;
  /** Synchronous guards stay synchronous: return a value, not a promise, when no I/O is needed. */
  evaluate(request: FirewallRequest, context: GuardContext): GuardOutcome | Promise<GuardOutcome>;
  /** Expensive setup (keys, schemas, connections), awaited by `firewall.ready()`. */
  ready?(): Promise<void>;
  close?(): Promise<void>;
}

export const GUARD_DEFINITION: unique symbol = Symbol.for('portcullis.guard-definition');

/**
 * What a guard factory returns and a policy lists. It is compiled by `createFirewall`, which knows
 * the guard's path in the policy and so can name it in errors.
 */
export interface GuardDefinition {
  readonly [GUARD_DEFINITION]: true;
  readonly kind: string;
  /** One guard, or several in different phases (ids distinct), e.g. a signature and its body digest. */
  compile(context: CompileContext): Guard | readonly Guard[];
}

export function defineGuard(kind: string, compile: (context: CompileContext) => Guard | readonly Guard[]): GuardDefinition {
  return Object.freeze({ [GUARD_DEFINITION]: true as const, kind, compile });
}

export function isGuardDefinition(value: unknown): value is GuardDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[GUARD_DEFINITION] === true;
}

/** The shared allow outcome with nothing attached (no allocation on the hot path). */
export const ALLOW: AllowOutcome = Object.freeze({ outcome: 'allow' });
