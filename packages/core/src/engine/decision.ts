import type { Identity } from '../identity.js';
import type { Mode, ResponseBodyHook, ResponseHook } from '../guard.js';
import type { RenderedResponse } from '../problem.js';
import type { RouteMatch } from '../router.js';
import type { ParsedBody } from '../body/parsed-body.js';

export type GuardResultOutcome = 'allow' | 'deny' | 'respond' | 'error';

/** What one guard concluded for one request. */
export interface GuardResult {
  readonly guard: string;
  readonly kind: string;
  readonly outcome: GuardResultOutcome;
  /** The mode this guard ran in for this request (policy, route, guard and canary applied). */
  readonly mode: Mode;
  readonly code?: string;
  readonly status?: number;
  /** Set on `error`: ERR_GUARD_FAILED or ERR_GUARD_TIMEOUT; and what `onError` chose. */
  readonly error?: 'ERR_GUARD_FAILED' | 'ERR_GUARD_TIMEOUT' | 'ERR_SETUP_FAILED';
  readonly failureMode?: 'deny' | 'allow';
  /**
   * Time spent in this guard, in milliseconds. Always present for asynchronous guards; for
   * synchronous guards only with the policy's `timings: 'all'` (a clock read costs more than most
   * synchronous guards, so by default they are not timed one by one).
   */
  readonly durationMs?: number;
}

/**
 * The one thing adapters act on and telemetry reports.
 *
 * - `outcome` is what the firewall concluded: `allow`, `deny`, or `respond` (a guard answered the
 *   request itself, e.g. a CORS preflight).
 * - `enforced` says whether that conclusion is acted on. A `deny` in monitor mode (or outside the
 *   canary slice) has `enforced: false` and no `response`: the request goes on.
 * - `response` is present exactly when the adapter must answer instead of calling the handler.
 */
export interface Decision {
  readonly outcome: 'allow' | 'deny' | 'respond';
  readonly enforced: boolean;
  /** The effective policy mode for this request: `monitor` when the policy is monitoring or the request is outside the canary slice. */
  readonly mode: Mode;
  /** True when a canary is configured and this request falls inside its enforced slice. */
  readonly inCanary: boolean | undefined;
  /** The guard that decided a deny/respond, and its code and status. */
  readonly guard: string | undefined;
  readonly code: string | undefined;
  readonly status: number | undefined;
  readonly results: readonly GuardResult[];
  readonly route: RouteMatch | undefined;
  readonly policyVersion: string;
  readonly requestId: string;
  readonly method: string;
  /** Normalized path; undefined when the path could not be normalized. Never the query string. */
  readonly path: string | undefined;
  readonly identity: Identity | undefined;
  /** The client address after trusted-proxy resolution (personal data: telemetry omits it unless asked). */
  readonly clientIp: string | undefined;
  readonly annotations: Readonly<Record<string, string | number | boolean>>;
  /**
   * What guards handed on to the handler (`AllowOutcome.data`), by the guard package's key: e.g.
   * `data.openapi` holds the operation's parameters as validated (typed). Never sent to telemetry.
   */
  readonly data: Readonly<Record<string, unknown>>;
  /** Headers the adapter sets before calling the handler (security headers, CORS, request id). */
  readonly responseHeaders: ReadonlyArray<readonly [string, string]>;
  /** The rendered answer when the adapter must respond (blocked or answered). */
  readonly response: RenderedResponse | undefined;
  /** The body Portcullis read and validated, to hand to the handler. */
  readonly body: ParsedBody | undefined;
  /** Response-phase hooks registered by guards; run by the adapter just before headers are sent. */
  readonly responseHooks: readonly ResponseHook[];
  /** Response-body hooks registered by guards; the adapter buffers the response and runs them before sending it. */
  readonly responseBodyHooks: readonly ResponseBodyHook[];
  /** False after the header stage when body guards are still to run. */
  readonly complete: boolean;
  readonly durationMs: number;
}

/** Whether the adapter must answer instead of calling the handler. */
export function mustRespond(decision: Decision): decision is Decision & { response: RenderedResponse } {
  return decision.response !== undefined;
}
