import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import {
  createFirewall,
  FirewallError,
  renderUnavailable,
  runResponseHooks,
  type Firewall,
  type PendingDecision,
  type Policy,
} from '@portcullis/core';
import './augment.js';
import { bodySourceOf, installBodyParser, PortcullisBody } from './body-parser.js';
import { requestInitOf } from './request-init.js';
import { inspectPayload } from './response-body-phase.js';
import { applyResponseHeaders, responseViewOf, sendRendered } from './reply.js';
import { composePolicy, describeRoute, type CollectedRoute } from './route-config.js';

/**
 * Register with a firewall you created (and own), or with a policy: then the plugin creates the
 * firewall at start-up, adding the routes that carry `config.portcullis`, and closes it with Fastify.
 */
export type PortcullisFastifyOptions =
  | { readonly firewall: Firewall; readonly policy?: undefined }
  | { readonly policy: Policy; readonly firewall?: undefined };

/** What portcullisFrameworkErrors needs from the plugin registered on the same instance. */
interface PluginState {
  firewall(): Firewall | undefined;
  readonly semicolonDelimiter: boolean;
}
const PLUGIN_STATE: unique symbol = Symbol('@portcullis/fastify state');

function misuse(message: string): FirewallError {
  return new FirewallError('ERR_ADAPTER_MISUSE', `@portcullis/fastify: ${message}`);
}

function isFirewall(value: unknown): value is Firewall {
  const f = value as Partial<Firewall> | null;
  return typeof f === 'object' && f !== null && typeof f.begin === 'function' && typeof f.ready === 'function';
}

/** The routing option that decides how Fastify reads a `;` in the path (see targetAsRouted). */
function usesSemicolonDelimiter(fastify: FastifyInstance): boolean {
  const config = fastify.initialConfig as { useSemicolonDelimiter?: boolean; routerOptions?: { useSemicolonDelimiter?: boolean } };
  // Fastify 5 keeps router options under `routerOptions` and warns when the old top-level property is
  // read; Fastify 4 has only the top-level one.
  if (config.routerOptions !== undefined) return config.routerOptions.useSemicolonDelimiter ?? false;
  return config.useSemicolonDelimiter ?? false;
}

async function plugin(fastify: FastifyInstance, options: PortcullisFastifyOptions): Promise<void> {
  const given = options as { firewall?: unknown; policy?: unknown } | undefined;
  const hasFirewall = given?.firewall !== undefined;
  const hasPolicy = given?.policy !== undefined;
  if (hasFirewall === hasPolicy) throw misuse('register with exactly one of { firewall } or { policy }');
  if (hasFirewall && !isFirewall(given.firewall)) throw misuse('options.firewall is not a Firewall made by createFirewall()');
  if (hasPolicy && (typeof given.policy !== 'object' || given.policy === null)) throw misuse('options.policy must be a policy object');

  let firewall: Firewall | undefined = hasFirewall ? (given.firewall as Firewall) : undefined;
  const ownsFirewall = !hasFirewall;
  const semicolonDelimiter = usesSemicolonDelimiter(fastify);
  const pendings = new WeakMap<FastifyRequest, PendingDecision>();
  const collected: CollectedRoute[] = [];

  fastify.decorateRequest('portcullis', null);
  // For portcullisFrameworkErrors, which Fastify calls with the root instance as request.server.
  const state: PluginState = { firewall: () => firewall, semicolonDelimiter };
  fastify.decorate(PLUGIN_STATE, state);

  fastify.addHook('onRoute', (route: RouteOptions) => {
    const config = (route.config as { portcullis?: unknown } | undefined)?.portcullis;
    if (config === undefined) return;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map(String);
    collected.push({ url: route.url ?? '', methods, config });
  });

  fastify.addHook('onReady', async () => {
    if (firewall === undefined) {
      const { policy, explain } = composePolicy(given?.policy as Policy, collected);
      try {
        firewall = createFirewall(policy);
      } catch (error) {
        throw explain(error);
      }
    } else if (collected.length > 0) {
      const first = collected[0] as CollectedRoute;
      throw misuse(`the route ${describeRoute(first)} has config.portcullis, which needs the plugin registered with { policy } (the firewall is then built with the routes' settings); a firewall passed as { firewall } is already compiled`);
    }
    // Expensive setup (keys, schemas, stores) fails start-up rather than the first request.
    await firewall.ready();
  });

  if (ownsFirewall) {
    fastify.addHook('onClose', async () => {
      await firewall?.close();
    });
  }

  const unavailable = (reply: FastifyReply): FastifyReply => sendRendered(reply, renderUnavailable());

  // Header stage: everything that does not need the body, before Fastify reads it.
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      if (firewall === undefined) return unavailable(reply);
      const pending = await firewall.begin(requestInitOf(request.raw, semicolonDelimiter));
      // `return reply` makes Fastify wait for the response instead of going on to the handler.
      if (pending.decision.response !== undefined) return sendRendered(reply, pending.decision.response);
      pendings.set(request, pending);
    } catch {
      return unavailable(reply);
    }
    return undefined;
  });

  installBodyParser(fastify, (request) => pendings.get(request));

  // Fastify 5 answers a Content-Type it cannot parse with its own 415 right after this hook,
  // before any parser or preValidation. Its verdict is `request.mediaType === undefined`; the body
  // stage then runs here, on the untouched stream, so that the firewall decides (it refuses a
  // malformed media type without reading the body). Finishing is idempotent: preValidation, if it
  // runs, gets the same decision.
  fastify.addHook('preParsing', (request: FastifyRequest, reply: FastifyReply, _payload: unknown, done: (error: Error | null, payload?: never) => void) => {
    const pending = pendings.get(request);
    const refusedByFastify = pending !== undefined && request.headers['content-type'] !== undefined && 'mediaType' in request && request.mediaType === undefined;
    if (!refusedByFastify) {
      done(null);
      return;
    }
    pending.finish({ kind: 'node-stream', stream: request.raw }).then(
      (decision) => {
        if (decision.response !== undefined) sendRendered(reply, decision.response);
        else done(null);
      },
      () => unavailable(reply),
    );
  });

  // Body stage: the body was read (by our parser or the application's), before validation.
  fastify.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const pending = pendings.get(request);
      pendings.delete(request);
      const source = bodySourceOf(request);
      if (pending === undefined || source === 'unavailable') return unavailable(reply);
      const decision = await pending.finish(source);
      if (decision.response !== undefined) return sendRendered(reply, decision.response);
      // Hand on what was validated: the handler gets the very value the body guards saw.
      if (request.body instanceof PortcullisBody || request.body === undefined || request.body === null) {
        const body = decision.body;
        request.body = body !== undefined && (body.kind === 'json' || body.kind === 'form' || body.kind === 'text') ? body.value : undefined;
      }
      applyResponseHeaders(reply, decision.responseHeaders);
      request.portcullis = decision;
    } catch {
      return unavailable(reply);
    }
    return undefined;
  });

  // Response phase: body hooks inspect (and may replace) the serialized payload, then the header
  // hooks see the final status and headers just before they are written.
  fastify.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: Error | null, payload?: unknown) => void) => {
    const decision = request.portcullis;
    const sent = decision !== null && decision.responseBodyHooks.length > 0 ? inspectPayload(reply, decision, payload) : payload;
    if (decision !== null && decision.responseHooks.length > 0) runResponseHooks(decision, responseViewOf(reply));
    done(null, sent);
  });
}

/**
 * Pass as Fastify's `frameworkErrors` option, `Fastify({ frameworkErrors: portcullisFrameworkErrors })`,
 * so that the requests Fastify's router refuses before any hook runs (a malformed percent-encoding
 * in the path; on Fastify 5 also an over-long parameter) are answered by the firewall: its
 * problem+json, request id and telemetry, and no echo of the path. When the firewall would let such
 * a request through, Fastify's own error answer goes out as without this option.
 */
export function portcullisFrameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const state = (request.server as unknown as Record<symbol, PluginState | undefined>)[PLUGIN_STATE];
  const firewall = state?.firewall();
  if (state === undefined || firewall === undefined) {
    reply.send(error);
    return;
  }
  firewall.decide(requestInitOf(request.raw, state.semicolonDelimiter)).then(
    (decision) => {
      if (decision.response !== undefined) sendRendered(reply, decision.response);
      else reply.send(error);
    },
    () => sendRendered(reply, renderUnavailable()),
  );
}

/**
 * The Portcullis plugin for Fastify 4 and 5:
 * `await app.register(portcullis, { firewall })` or `await app.register(portcullis, { policy })`.
 * Register it before the routes it protects (it sees routes added after it).
 */
export const portcullis = fp(plugin, { fastify: '4.x || 5.x', name: '@portcullis/fastify' });
