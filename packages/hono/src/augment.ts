/**
 * Typed per-request state through Hono's own declaration merging (as hono's jwt middleware does):
 * `c.get('portcullis')` / `c.var.portcullis` is the Decision in every handler after the middleware.
 */
import type { Decision } from '@portcullis/core';

declare module 'hono' {
  interface ContextVariableMap {
    portcullis: Decision;
  }
}

export {};
