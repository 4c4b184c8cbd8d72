/**
 * Typed per-request state and per-route configuration through Fastify's own declaration merging
 * (the way fastify-rate-limit types `config.rateLimit`).
 */
import type { Decision, RoutePolicy } from '@portcullis/core';

/**
 * What a route may carry in `config.portcullis`: a Portcullis route policy without `path` and
 * `methods`, which come from the Fastify route itself.
 */
export type FastifyRoutePortcullis = Omit<RoutePolicy, 'path' | 'methods'>;

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The firewall's decision for this request: `null` until the body stage finished (Fastify
     * `preValidation`), then the complete Decision. Handlers always see it set.
     */
    portcullis: Decision | null;
  }

  interface FastifyContextConfig {
    /** Per-route policy; needs the plugin registered with `{ policy }`. */
    portcullis?: FastifyRoutePortcullis;
  }
}
