import type { GuardDefinition, Mode } from '../guard.js';
import type { AuthorizationPolicy, AuthorizationRule } from '../guards/authorization.js';
import type { CorsOptions } from '../guards/cors.js';
import type { IpFilterOptions } from '../guards/ip-filter.js';
import type { RequestLimitsOptions } from '../guards/request-limits.js';
import type { SecurityHeadersOptions } from '../guards/security-headers.js';
import type { Store } from '../store/store.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { DecisionEventOptions } from '../telemetry/decision-events.js';

/** Which request attribute picks the canary slice. */
export type CanaryKey = 'ip' | 'path' | { readonly header: string };

export interface CanaryOptions {
  /** Percentage of traffic (0–100, two decimals) on which `enforce` guards are enforced. */
  readonly percent: number;
  /** Default `ip`: a client stays in or out of the slice across requests. */
  readonly key?: CanaryKey;
}

export interface ProxyOptions {
  /** Addresses or CIDRs of the proxies in front of this service. Only these are believed. */
  readonly trusted: readonly string[];
  /** Which forwarding header carries the chain. Default `x-forwarded-for`. */
  readonly header?: 'x-forwarded-for' | 'forwarded';
}

export interface PathOptions {
  /** Refuse (400 `path_not_canonical`) rather than normalize a non-canonical target. Default false. */
  readonly strictCanonical?: boolean;
  /** Match routes case-sensitively. Default false (Express and koa-router are case-insensitive). */
  readonly caseSensitive?: boolean;
}

export interface RequestIdOptions {
  /** Header read and written. Default `x-request-id`. */
  readonly header?: string;
  /** Use a well-formed incoming id instead of generating one. Default false. */
  readonly trustIncoming?: boolean;
}

export interface BodyPolicy {
  /** Refuse bodies that are not valid UTF-8. Default true. */
  readonly strictUtf8?: boolean;
  /** Refuse JSON objects with a repeated key (`{"role":"user","role":"admin"}`). Default false. */
  readonly rejectDuplicateKeys?: boolean;
}

/** Per-route settings; anything left out follows the policy. */
export interface RoutePolicy {
  /** `/users/:id`, or `/files/*`. Matched against the normalized path. */
  readonly path: string;
  /** Allowed methods. Omitted: any method. HEAD is allowed wherever GET is. */
  readonly methods?: readonly string[];
  /** Name used in decisions and telemetry. Default `METHODS path`. */
  readonly id?: string;
  readonly mode?: Mode;
  /** Limits for this route, over the policy's. */
  readonly limits?: RequestLimitsOptions;
  /** An extra IP filter for this route (the policy's still applies). */
  readonly ipFilter?: IpFilterOptions;
  /** CORS for this route instead of the policy's; `false` turns it off here. */
  readonly cors?: CorsOptions | false;
  /** Guards for this route only, after the policy's guards. */
  readonly guards?: readonly GuardDefinition[];
  /**
   * Who may call this route, on the identity the identity guards established. Several rules (each
   * optionally for some `methods`) must all hold. See docs/authorization.md.
   */
  readonly authorize?: AuthorizationRule | readonly AuthorizationRule[];
}

/** A whole policy. Plain data plus guard definitions; validated by `createFirewall`. */
export interface Policy {
  /** Reported in every decision. Default `1`. */
  readonly version?: string;
  /** Default `enforce`. `monitor` decides and reports but never blocks. */
  readonly mode?: Mode;
  readonly canary?: CanaryOptions;
  readonly proxy?: ProxyOptions;
  readonly paths?: PathOptions;
  readonly requestId?: RequestIdOptions;
  /** Reveal limit values in problem bodies. Default false. */
  readonly exposeDetails?: boolean;
  /** Request limits for every route; `id` and `mode` apply to the limits guard (and the body reader). */
  readonly limits?: RequestLimitsOptions & { readonly id?: string; readonly mode?: Mode };
  readonly body?: BodyPolicy;
  readonly ipFilter?: IpFilterOptions;
  readonly cors?: CorsOptions;
  /** Security response headers. Default on with API defaults; `false` turns them off. */
  readonly securityHeaders?: SecurityHeadersOptions | false;
  /** Method-override headers (`X-HTTP-Method-Override`...). Default `deny`. */
  readonly methodOverride?: 'deny' | 'allow';
  readonly routes?: readonly RoutePolicy[];
  /** Requests matching no route: `allow` (default; policy-wide guards still run) or `deny` (404). */
  readonly unmatchedRoutes?: 'allow' | 'deny';
  /** Guards for every request, in order within their phase. */
  readonly guards?: readonly GuardDefinition[];
  /** Authorization settings: deny by default (`uncovered: 'deny'`), the 401 challenge. */
  readonly authorization?: AuthorizationPolicy;
  /** Default bound on an asynchronous guard's evaluation. Default 2,000 ms. */
  readonly guardTimeoutMs?: number;
  /** Shared state for rate limits, nonces, bans. Default: a bounded MemoryStore. */
  readonly store?: Store;
  readonly telemetry?: Telemetry | readonly Telemetry[];
  readonly events?: DecisionEventOptions;
  /**
   * Per-guard timing in decisions: `async` (default) times asynchronous guards one by one and the
   * decision as a whole; `all` also times each synchronous guard (one clock read per guard).
   */
  readonly timings?: 'async' | 'all';
  /** Clock in milliseconds since the epoch, for tests. */
  readonly clock?: () => number;
}
