/**
 * The contract between the conformance suite and each adapter. Adding an adapter (or a framework
 * major) means writing one Harness; the scenarios are shared.
 *
 * Every harness builds the same app:
 *  - Portcullis registered first, the idiomatic way for the framework, with the given firewall.
 *  - One catch-all handler for every method and path that answers 200 with
 *      content-type: application/json
 *      x-app: original
 *      x-powered-by: conformance        (so that security headers' removal is observable)
 *    and the JSON body of `EchoBody` (serialized with JSON.stringify, written as a string).
 *  - When `options.frameworkBodyParser` is true, the framework's own JSON body parser runs before
 *    Portcullis (Express: express.json(); Koa: a minimal JSON reader in the harness; Fastify: its
 *    built-in parser is always there; Hono: not applicable -> the harness throws `NotApplicable`).
 */
import type { Decision, Firewall } from '@portcullis/core';

/** The decision as the handler sees it. */
export interface EchoedDecision {
  readonly outcome: string;
  readonly guard: string | null;
  readonly code: string | null;
  readonly route: string | null;
}

/** The identity as the handler sees it (the parts a handler typically reads; never the claims). */
export interface EchoedIdentity {
  readonly method: string;
  readonly subject: string | null;
  readonly clientId: string | null;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
}

export interface EchoBody {
  readonly handled: true;
  readonly method: string;
  /** The parsed body the handler received (null when none). */
  readonly body: unknown;
  /** Whether the body the handler received is the very object Portcullis validated. */
  readonly sameBodyAsValidated: boolean;
  /** The decision as the handler sees it through the framework's typed request state. */
  readonly decision: EchoedDecision | null;
  /** The identity the identity guards established, as the handler sees it. */
  readonly identity: EchoedIdentity | null;
}

/** The decision and identity parts of an EchoBody; every harness builds them the same way. */
export function echoDecisionOf(decision: Decision | null | undefined): Pick<EchoBody, 'decision' | 'identity'> {
  if (decision === undefined || decision === null) return { decision: null, identity: null };
  const identity = decision.identity;
  return {
    decision: { outcome: decision.outcome, guard: decision.guard ?? null, code: decision.code ?? null, route: decision.route?.id ?? null },
    identity:
      identity === undefined
        ? null
        : { method: identity.method, subject: identity.subject ?? null, clientId: identity.clientId ?? null, scopes: identity.scopes, roles: identity.roles },
  };
}

export interface HarnessOptions {
  readonly frameworkBodyParser?: boolean;
}

export interface RunningApp {
  /** Base URL on loopback, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface Harness {
  /** e.g. `express@4`, `fastify@5`, `koa@3`, `hono@4` */
  readonly name: string;
  start(firewall: Firewall, options?: HarnessOptions): Promise<RunningApp>;
}

export class NotApplicable extends Error {}
