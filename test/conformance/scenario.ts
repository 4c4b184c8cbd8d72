/**
 * The shape of one conformance scenario: a policy, one raw request, and what every adapter must
 * answer. Scenarios are plain data grouped by concern in ./scenarios/; the runner sends each one to
 * every harness over real HTTP.
 */
import { createFirewall, type Firewall, type Policy } from '@portcullis/core';
import type { Header } from '../support/raw-http.js';
import type { EchoedIdentity, HarnessOptions } from './harness.js';

/** A named policy. `create` builds a fresh firewall each time (one per adapter). */
export interface PolicyCase {
  readonly name: string;
  create(): Firewall;
}

/**
 * Declares a policy. Unless the policy says otherwise, incoming request ids are trusted so that
 * the runner's `x-request-id: conf-<n>` comes back and answers are byte-identical across adapters.
 */
export function policy(name: string, build: () => Policy = () => ({})): PolicyCase {
  return {
    name,
    create() {
      const p = build();
      return createFirewall({ requestId: { trustIncoming: true }, ...p });
    },
  };
}

/** What the client does with a chunked body after the listed chunks. */
export type ChunkedEnd =
  /** Send the last chunk (a complete body). */
  | 'end'
  /** Send nothing more and keep the connection open: a body that never ends. */
  | 'stall'
  /** Keep sending chunks of `chunkBytes` until the server answers (at most `maxBytes`). */
  | { readonly flood: { readonly chunkBytes: number; readonly maxBytes: number } };

export interface ScenarioRequest {
  readonly method: string;
  /** Sent exactly as written (latin1: `\xff` is the byte 0xff). */
  readonly target: string;
  /** Extra header fields, in order, duplicates allowed. */
  readonly headers?: readonly Header[];
  /** A body sent with Content-Length (added unless `headers` carry one). Strings are sent as UTF-8. */
  readonly body?: string | Uint8Array;
  /** A body sent with `Transfer-Encoding: chunked`, one chunk per entry (strings as UTF-8). */
  readonly chunks?: readonly (string | Uint8Array)[];
  /** Default `end`. */
  readonly chunkedEnd?: ChunkedEnd;
  /** Leave out the runner's `x-request-id: conf-<n>`. */
  readonly omitRequestId?: boolean;
  /** Leave out `Connection: close` (to observe the server closing on its own). */
  readonly keepAlive?: boolean;
}

/** The decision as the handler must see it (EchoBody.decision). */
export interface EchoDecision {
  readonly outcome: 'allow' | 'deny' | 'respond';
  readonly guard: string | null;
  readonly code: string | null;
  readonly route: string | null;
}

export interface Expectation {
  readonly status: number;
  /** Whether the catch-all handler ran (it sets `x-app` and answers an EchoBody). */
  readonly handled: boolean;
  /**
   * The answer is a firewall denial with this code: the body must be exactly the problem+json of
   * the contract (type, title, status, code, requestId) and carry the problem headers.
   */
  readonly problem?: string;
  /** The answer must have no body (HEAD, a preflight). */
  readonly emptyBody?: boolean;
  /** A string is the exact value, a RegExp must match, `true` must be present, `null` must be absent. */
  readonly headers?: Readonly<Record<string, string | RegExp | true | null>>;
  /** For handled requests; `decision` defaults to an allow on no route. */
  readonly echo?: {
    readonly method?: string;
    readonly body?: unknown;
    readonly sameBodyAsValidated?: boolean;
    readonly decision?: EchoDecision;
    /** The identity the handler must see; default none. */
    readonly identity?: EchoedIdentity;
  };
  /** Text that must not appear anywhere in the answer (status line, headers, body). */
  readonly mustNotContain?: readonly string[];
  /**
   * Which request id comes back: `sent` is the runner's `conf-<n>` (the default when it was sent),
   * `generated` a fresh UUID (the default when it was omitted), or an exact value in a named header.
   */
  readonly requestId?: 'sent' | 'generated' | { readonly header: string; readonly value: string };
  /** The same request sent this many times must get the same answer each time. Default 1. */
  readonly repeat?: number;
  /**
   * Members the problem+json body carries after `requestId`, in order (a policy with
   * `exposeDetails`). Only with `problem`; without it the body must have no member beyond the contract's.
   */
  readonly problemExtensions?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /**
   * The problem's `errors` member (rendered last, after any extensions), entry by entry, in order:
   * pointer and keyword exactly; the message exactly when given, else any string (the suite still
   * compares every adapter's body with the reference's byte for byte). Only with `problem`.
   */
  readonly problemErrors?: readonly ExpectedProblemError[];
}

/** One expected entry of a problem's `errors` member (core's ProblemError). */
export interface ExpectedProblemError {
  readonly pointer: string;
  readonly keyword: string;
  readonly message?: string;
}

export interface Scenario {
  readonly name: string;
  readonly policy: PolicyCase;
  readonly options?: HarnessOptions;
  readonly request: ScenarioRequest;
  /**
   * Requests sent first, in order, each on its own connection, once (before the first of `repeat`
   * sends): state the scenario needs, e.g. a rate limit already used up. Their answers are not
   * checked. A policy whose state they change should serve this scenario alone, since every
   * scenario naming a policy shares one app per harness.
   */
  readonly before?: readonly ScenarioRequest[];
  readonly expect: Expectation;
}

export const ALLOWED: EchoDecision = Object.freeze({ outcome: 'allow', guard: null, code: null, route: null });

/** The decision a handler sees for an allowed request on a route. */
export function allowedOn(route: string): EchoDecision {
  return { outcome: 'allow', guard: null, code: null, route };
}

/** The decision a handler sees when a deny was only monitored. */
export function monitored(guard: string, code: string, route: string | null = null): EchoDecision {
  return { outcome: 'deny', guard, code, route };
}

export const JSON_TYPE: Header = ['content-type', 'application/json'];

/** A firewall denial. */
export function denied(status: number, problem: string, headers?: Expectation['headers']): Expectation {
  return headers === undefined ? { status, handled: false, problem } : { status, handled: false, problem, headers };
}

/** An allowed request answered by the handler. */
export function handled(echo: Expectation['echo'] = {}, headers?: Expectation['headers']): Expectation {
  return headers === undefined ? { status: 200, handled: true, echo } : { status: 200, handled: true, echo, headers };
}
