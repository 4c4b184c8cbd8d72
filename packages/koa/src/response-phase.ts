import { beforeWriteHead, runResponseHooks, type Decision, type ResponseView } from '@portcullis/core';
import type { ParameterizedContext } from 'koa';

/** A live view over Koa's response; hooks see what the application set and change it in place. */
function viewOf(ctx: ParameterizedContext): ResponseView {
  const response = ctx.response;
  return {
    get status() {
      return response.status;
    },
    getHeader(name) {
      // Koa's `get` answers '' for an absent header; @types/koa lacks `has`, Node's is used.
      if (!ctx.res.hasHeader(name)) return undefined;
      const value = response.get(name) as unknown;
      return Array.isArray(value) ? value.join(', ') : String(value);
    },
    setHeader(name, value) {
      response.set(name, value);
    },
    removeHeader(name) {
      response.remove(name);
    },
  };
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
  beforeWriteHead(ctx.res, () => runResponseHooks(decision, viewOf(ctx)));
}
