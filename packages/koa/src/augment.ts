/**
 * Declaration merging so that `ctx.state.portcullis` is typed in every Koa middleware that uses
 * the default state type (`DefaultState` is Koa's documented extension point).
 */
import type { Decision } from '@portcullis/core';

declare module 'koa' {
  interface DefaultState {
    /** The Portcullis decision for this request, set before the next middleware runs. */
    portcullis?: Decision;
  }
}

export {};
