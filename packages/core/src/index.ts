// The public API of @portcullis/core. Every export is listed here explicitly and snapshot-tested.

export { createFirewall } from './engine/firewall.js';
export type { Firewall, PendingDecision } from './engine/firewall.js';
export type { Decision, GuardResult, GuardResultOutcome } from './engine/decision.js';
export { mustRespond } from './engine/decision.js';
export { runResponseHooks, runResponseBodyHooks, responseBodyLimit, isRepresentationHeader } from './response-phase.js';
export { renderUnavailable } from './engine/render.js';

export type {
  Policy,
  RoutePolicy,
  CanaryOptions,
  CanaryKey,
  ProxyOptions,
  PathOptions,
  RequestIdOptions,
  BodyPolicy,
} from './policy/types.js';
export type { RequestLimitsOptions } from './guards/request-limits.js';
export { DEFAULT_LIMITS } from './guards/request-limits.js';
export type { IpFilterOptions } from './guards/ip-filter.js';
export type { CorsOptions } from './guards/cors.js';
export type { SecurityHeadersOptions } from './guards/security-headers.js';
export { METHOD_OVERRIDE_HEADERS } from './guards/method-override.js';

export { FirewallError, PolicyError, isFirewallError, FIREWALL_ERROR_CODES } from './errors.js';
export type { FirewallErrorCode, FirewallErrorOptions } from './errors.js';
export { DENY_CODES, PROBLEM_CONTENT_TYPE, renderProblemBody, problemTypeFor } from './problem.js';
export type { CoreDenyCode, ProblemInit, ProblemError, RenderedResponse } from './problem.js';

export { defineGuard, isGuardDefinition, ALLOW, GUARD_PHASES, GUARD_DEFINITION } from './guard.js';
export type {
  Guard,
  GuardDefinition,
  GuardContext,
  CompileContext,
  GuardOutcome,
  AllowOutcome,
  DenyOutcome,
  RespondOutcome,
  GuardPhase,
  Mode,
  FailureMode,
  ResponseView,
  ResponseHook,
  ResponseBodyView,
  ResponseBodyHook,
  ResponseReplacement,
} from './guard.js';
export { readCommonGuardOptions, COMMON_GUARD_KEYS } from './guards/common.js';
export type { CommonGuardOptions } from './guards/common.js';
export {
  child as childPath,
  describe as describeValue,
  isPlainObject,
  readObject,
  readOptionalObject,
  readBoolean,
  readString,
  readOptionalString,
  readInteger,
  readOptionalInteger,
  readNumber,
  readEnum,
  readArray,
  readStringArray,
  readFunction,
} from './policy/reader.js';
export type { PolicyPath, IntegerBounds } from './policy/reader.js';
export type { Identity } from './identity.js';
export { readClaim, claimPathProblem } from './identity.js';
export type {
  AuthorizationRule,
  AuthorizationPolicy,
  AuthorizationCheck,
  RequirementSet,
  ClaimPredicate,
  ClaimValue,
  OwnershipRule,
} from './guards/authorization.js';

export type { FirewallRequest, RequestInit, TlsPeer } from './request/firewall-request.js';
export type { RequestHeaders } from './request/headers.js';
export type { QueryParams } from './request/query.js';
export { decodeFormComponent, countPairs } from './request/query.js';
export { normalizeTarget } from './request/normalize-path.js';
export type { NormalizedTarget, PathRefusal } from './request/normalize-path.js';
export type { RouteMatch } from './router.js';

export { readNodeStream, readWebStream, concatBytes } from './body/read-body.js';
export type { BodySource, ReadResult, NodeReadableLike } from './body/read-body.js';
export type { ParsedBody } from './body/parsed-body.js';

export type { Store, CounterResult } from './store/store.js';
export { MemoryStore } from './store/memory-store.js';
export type { MemoryStoreOptions } from './store/memory-store.js';

export type { Telemetry, Diagnostic } from './telemetry/telemetry.js';
export { noopTelemetry, combineTelemetry } from './telemetry/telemetry.js';
export type { DecisionEvent, DecisionEventOptions, DiagnosticEvent, LoggerLike } from './telemetry/decision-events.js';

export { parseMediaType } from './body/content-type.js';
export type { MediaType } from './body/content-type.js';
export { parseIp, parseCidr, formatIp, maskBytes, isIpv4Mapped, CidrList } from './net/ip.js';

// Helpers for adapters on Node's http module (structural: core imports no Node module).
export { tlsPeerReader } from './adapter-support/tls-peer.js';
export { beforeWriteHead } from './adapter-support/write-head-hook.js';
export type { NodeResponseLike } from './adapter-support/write-head-hook.js';
