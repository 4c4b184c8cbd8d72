import type { DenyOutcome } from '@portcullis/core';
import type { Analysis } from '../analyzer/index.js';
import { graphqlDeny } from './refusals.js';

type Refusal = Extract<Analysis, { ok: false }>;

/**
 * The analyzer's codes, details and limits form a small fixed set per guard; this bound only
 * protects against an analyzer that one day puts something variable in them.
 */
const MAX_CACHED = 256;

/**
 * Turns analyzer refusals into deny outcomes, building each distinct one once and reusing it. The
 * limit rides as the `limit` extension, rendered only with the policy's `exposeDetails`.
 */
export class AnalysisRefusals {
  readonly #cache = new Map<string, DenyOutcome>();

  denyFor(refusal: Refusal): DenyOutcome {
    const key = `${refusal.code}\u0000${refusal.status}\u0000${refusal.detail ?? ''}\u0000${refusal.limit ?? ''}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const base = graphqlDeny(refusal.code, {
      ...(refusal.detail === undefined ? {} : { detail: refusal.detail }),
      ...(refusal.limit === undefined ? {} : { extensions: Object.freeze({ limit: refusal.limit }) }),
    });
    // The analyzer decides the status (e.g. a refused field is 403); the table gives the title.
    const deny = base.status === refusal.status ? base : Object.freeze({ ...base, status: refusal.status });
    if (this.#cache.size < MAX_CACHED) this.#cache.set(key, deny);
    return deny;
  }
}
