import { beforeWriteHead, runResponseHooks, type Decision, type ResponseView } from '@portcullis/core';
import type { ParameterizedContext } from 'koa';

/**
 * A live view over Koa's response; hooks see what the application set and change it in place.
 *
 * A class rather than an object literal with a `get status()` accessor: V8 gives every such literal
 * its own hidden class, kept in the old generation, whose accessor closure holds the response. Each
 * response then survived young-generation collections and was promoted, which made garbage
 * collection the largest per-request cost of the adapter under load.
 */
export class KoaResponseView implements ResponseView {
  readonly #ctx: ParameterizedContext;

  constructor(ctx: ParameterizedContext) {
    this.#ctx = ctx;
  }

  get status(): number {
    return this.#ctx.response.status;
  }

  getHeader(name: string): string | undefined {
    // Koa's `get` answers '' for an absent header; @types/koa lacks `has`, Node's is used.
    if (!this.#ctx.res.hasHeader(name)) return undefined;
    const value = this.#ctx.response.get(name) as unknown;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }

  setHeader(name: string, value: string): void {
    this.#ctx.response.set(name, value);
  }

  removeHeader(name: string): void {
    this.#ctx.response.remove(name);
  }
}

/**
 * Runs the decision's response hooks once, over `ctx.response`, at the last moment before the
 * status line and headers are written.
 *
 * Koa writes the response after the whole middleware chain has returned, and middleware registered
 * before Portcullis may still change headers on the way out; so does Koa's own error handler, which
 * replaces every header. Hooking the Node response's `writeHead` (explicit, or implicit on the first
 * `write()`/`end()`) runs the hooks after all of them, on every response, error answers and
 * `ctx.respond = false` handlers included. The instance is patched, not the prototype, and the
 * original is restored on first use.
 */
export function interceptWriteHead(ctx: ParameterizedContext, decision: Decision): void {
  beforeWriteHead(ctx.res, () => runResponseHooks(decision, new KoaResponseView(ctx)));
}
