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
import type { Firewall } from '@portcullis/core';

export interface EchoBody {
  readonly handled: true;
  readonly method: string;
  /** The parsed body the handler received (null when none). */
  readonly body: unknown;
  /** Whether the body the handler received is the very object Portcullis validated. */
  readonly sameBodyAsValidated: boolean;
  /** The decision as the handler sees it through the framework's typed request state. */
  readonly decision: { readonly outcome: string; readonly guard: string | null; readonly code: string | null; readonly route: string | null } | null;
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
