import {
  ALLOW,
  DENY_CODES,
  PolicyError,
  childPath,
  type CompileContext,
  type DenyOutcome,
  type FirewallRequest,
  type Guard,
  type GuardContext,
  type GuardOutcome,
  type Identity,
  type PolicyPath,
} from '@portcullis/core';
import type { SchemeVerifier } from '../options.js';
import { methodsFor, requiresScopes, type OperationSecurity, type SchemeInfo, type SecurityAlternative } from './requirements.js';

/** A verifier compiled once: an identity guard, or the policy's identity. */
type CompiledVerifier = { readonly kind: 'guard'; readonly guard: Guard } | { readonly kind: 'policy' };

const MISSING = 'credentials_missing';

function deny(code: 'authentication_required' | 'insufficient_scope', headers?: ReadonlyArray<readonly [string, string]>): DenyOutcome {
  const known = DENY_CODES[code];
  return Object.freeze({ outcome: 'deny' as const, status: known.status, title: known.title, code, ...(headers === undefined ? {} : { headers }) });
}

/**
 * The `WWW-Authenticate` challenges (RFC 9110 §11.6.1) for the schemes an operation accepts: `Bearer`
 * for OAuth2, OpenID Connect and HTTP bearer (RFC 6750), the HTTP scheme's own name otherwise
 * (`Basic`...), and `ApiKey realm="api"` for API keys, as `apiKey()` answers. Mutual TLS has no HTTP
 * challenge.
 */
function challengeFor(security: readonly SecurityAlternative[]): ReadonlyArray<readonly [string, string]> {
  const challenges = new Set<string>();
  for (const alternative of security) {
    for (const { scheme } of alternative) {
      if (scheme.type === 'oauth2' || scheme.type === 'openIdConnect' || scheme.httpScheme === 'bearer') challenges.add('Bearer');
      else if (scheme.type === 'apiKey') challenges.add('ApiKey realm="api"');
      else if (scheme.httpScheme !== undefined && /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(scheme.httpScheme)) {
        challenges.add(scheme.httpScheme.charAt(0).toUpperCase() + scheme.httpScheme.slice(1));
      }
    }
  }
  return challenges.size === 0 ? [] : [['www-authenticate', [...challenges].join(', ')]];
}

/**
 * Checks an operation's security requirements: the alternatives are tried in order; the first one
 * whose every scheme authenticates, with its scopes (or roles), admits the request.
 *
 * When none holds, the most informative refusal answers: a credential that was presented and refused
 * (an invalid token) over missing scopes over a missing credential, so that an optional or second
 * scheme can never mask an invalid token.
 */
export class SecurityCheck {
  readonly #verifiers = new Map<string, CompiledVerifier>();
  readonly #guards: Guard[] = [];
  readonly #challenges = new WeakMap<readonly SecurityAlternative[], { missing: DenyOutcome; scope: DenyOutcome }>();

  constructor(verifiers: ReadonlyMap<string, SchemeVerifier>, schemes: ReadonlyMap<string, SchemeInfo>, context: CompileContext, path: PolicyPath) {
    for (const [name, verifier] of verifiers) {
      const at = childPath(childPath(path, 'security'), name);
      if (!schemes.has(name)) throw new PolicyError(at, `the document has no security scheme named "${name}" (it has: ${[...schemes.keys()].join(', ') || 'none'})`);
      if (verifier === 'policy') {
        this.#verifiers.set(name, { kind: 'policy' });
        continue;
      }
      const compiled = verifier.compile({ ...context, path: at });
      const list = Array.isArray(compiled) ? (compiled as readonly Guard[]) : [compiled as Guard];
      if (list.length !== 1 || (list[0] as Guard).phase !== 'identity') {
        throw new PolicyError(at, `expected a guard that runs in the identity phase alone (got ${list.map((g) => `${g.kind}:${g.phase}`).join(', ')}); list it in the policy's guards and map this scheme to 'policy'`);
      }
      this.#verifiers.set(name, { kind: 'guard', guard: list[0] as Guard });
      this.#guards.push(list[0] as Guard);
    }
  }

  /** The identity guards this check runs; their `ready()`/`close()` are the contract guard's. */
  get guards(): readonly Guard[] {
    return this.#guards;
  }

  #refusals(security: readonly SecurityAlternative[]): { missing: DenyOutcome; scope: DenyOutcome } {
    let refusals = this.#challenges.get(security);
    if (refusals === undefined) {
      const challenge = challengeFor(security);
      refusals = { missing: deny('authentication_required', challenge), scope: deny('insufficient_scope') };
      this.#challenges.set(security, refusals);
    }
    return refusals;
  }

  /**
   * Undefined when the operation is public or admitted without a new identity; otherwise the
   * outcome. Synchronous while the verifiers answer synchronously (a cached token), so that a
   * secured operation does not cost the engine its asynchronous path.
   */
  evaluate(security: OperationSecurity, request: FirewallRequest, context: GuardContext): GuardOutcome | Promise<GuardOutcome> | undefined {
    if (security === undefined) return undefined;
    return new Attempt(security, this.#verifiers, this.#refusals(security), request, context).run(0, 0);
  }
}

/** One request's walk through an operation's alternatives; resumable after an asynchronous verifier. */
class Attempt {
  #presentedAndRefused: DenyOutcome | undefined;
  #scopeRefusal: DenyOutcome | undefined;
  #identity: Identity | undefined;

  constructor(
    readonly security: readonly SecurityAlternative[],
    readonly verifiers: ReadonlyMap<string, CompiledVerifier>,
    readonly refusals: { readonly missing: DenyOutcome; readonly scope: DenyOutcome },
    readonly request: FirewallRequest,
    readonly context: GuardContext,
  ) {}

  run(alternativeIndex: number, schemeIndex: number): GuardOutcome | Promise<GuardOutcome> | undefined {
    for (let a = alternativeIndex; a < this.security.length; a++) {
      const alternative = this.security[a] as SecurityAlternative;
      if (alternative.length === 0) {
        if (this.#presentedAndRefused !== undefined) break;
        return undefined; // authentication is optional for this operation
      }
      let admitted = true;
      for (let s = a === alternativeIndex ? schemeIndex : 0; s < alternative.length; s++) {
        const { scheme, required } = alternative[s] as SecurityAlternative[number];
        const verifier = this.verifiers.get(scheme.name) ?? POLICY;
        let established: Identity | undefined;
        if (verifier.kind === 'policy') {
          const methods = methodsFor(scheme);
          const current = this.context.identity;
          if (current !== undefined && (methods === undefined || methods.has(current.method))) established = current;
        } else {
          const outcome = verifier.guard.evaluate(this.request, this.context);
          if (outcome instanceof Promise) {
            return outcome.then((result) => {
              const next = this.#settle(result, scheme, required);
              return (next ? this.run(a, s + 1) : this.run(a + 1, 0)) ?? ALLOW;
            });
          }
          established = this.#identityOf(outcome);
        }
        if (!this.#accept(established, scheme, required)) {
          admitted = false;
          break;
        }
      }
      if (admitted) return this.#admit();
      this.#identity = undefined;
    }
    return this.#presentedAndRefused ?? this.#scopeRefusal ?? this.refusals.missing;
  }

  /** Continues after an asynchronous verifier: whether this alternative can go on. */
  #settle(outcome: GuardOutcome, scheme: SchemeInfo, required: readonly string[]): boolean {
    const accepted = this.#accept(this.#identityOf(outcome), scheme, required);
    if (!accepted) this.#identity = undefined;
    return accepted;
  }

  #identityOf(outcome: GuardOutcome): Identity | undefined {
    if (outcome.outcome === 'deny') {
      if (outcome.code !== MISSING) this.#presentedAndRefused ??= outcome;
      return undefined;
    }
    return outcome.outcome === 'allow' ? outcome.identity : undefined;
  }

  #accept(established: Identity | undefined, scheme: SchemeInfo, required: readonly string[]): boolean {
    if (established === undefined) return false;
    if (!hasAll(established, scheme, required)) {
      this.#scopeRefusal ??= this.refusals.scope;
      return false;
    }
    this.#identity ??= established;
    return true;
  }

  #admit(): GuardOutcome | undefined {
    const identity = this.#identity;
    return identity === undefined || identity === this.context.identity ? undefined : { outcome: 'allow', identity };
  }
}

const POLICY: CompiledVerifier = Object.freeze({ kind: 'policy' });

function hasAll(identity: Identity, scheme: SchemeInfo, required: readonly string[]): boolean {
  if (required.length === 0) return true;
  const held = requiresScopes(scheme) ? identity.scopes : identity.roles;
  return required.every((name) => held.includes(name));
}
