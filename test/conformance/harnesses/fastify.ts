/**
 * Conformance harnesses for @portcullis/fastify on Fastify 4 and 5 (see ../harness.ts).
 *
 * The app: `await app.register(portcullis, { firewall })` -> one catch-all route (`app.all('/*')`,
 * every method and path) that answers the EchoBody of the contract. Fastify's own JSON parser is
 * always there and is replaced by Portcullis's, so `frameworkBodyParser` changes nothing here.
 * The instance uses `frameworkErrors: portcullisFrameworkErrors`, as the package README advises.
 */
import type { Decision, Firewall } from '@portcullis/core';
import { portcullis, portcullisFrameworkErrors } from '@portcullis/fastify';
import fastify4 from 'fastify4';
import fastify5 from 'fastify5';
import { echoDecisionOf, type EchoBody, type Harness, type HarnessOptions, type RunningApp } from '../harness.js';

/** The part of Fastify the harness uses, common to both majors. */
interface FastifyRequestLike {
  readonly method: string;
  readonly body: unknown;
  readonly portcullis: Decision | null;
}
interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(payload: string): FastifyReplyLike;
}
interface FastifyAppLike {
  register(plugin: unknown, options: unknown): Promise<unknown>;
  all(path: string, handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<FastifyReplyLike>): unknown;
  listen(options: { host: string; port: number }): Promise<string>;
  close(): Promise<unknown>;
  readonly server: { address(): { port: number } | string | null };
}
type FastifyFactory = (options: Record<string, unknown>) => FastifyAppLike;

/** The value Portcullis validated and handed on, when it did. */
function validatedValue(decision: Decision | null): unknown {
  const body = decision?.body;
  if (body === undefined) return undefined;
  switch (body.kind) {
    case 'json':
    case 'form':
    case 'text':
    case 'framework':
      return body.value;
    default:
      return undefined;
  }
}

/** The catch-all handler of the contract. */
async function echo(request: FastifyRequestLike, reply: FastifyReplyLike): Promise<FastifyReplyLike> {
  const decision = request.portcullis;
  const validated = validatedValue(decision);
  const body: EchoBody = {
    handled: true,
    method: request.method,
    body: request.body ?? null,
    sameBodyAsValidated: validated !== undefined && request.body === validated,
    ...echoDecisionOf(decision),
  };
  reply.code(200).header('content-type', 'application/json').header('x-app', 'original').header('x-powered-by', 'conformance');
  return reply.send(JSON.stringify(body));
}

function fastifyHarness(name: string, create: FastifyFactory): Harness {
  return {
    name,
    async start(firewall: Firewall, _options: HarnessOptions = {}): Promise<RunningApp> {
      const app = create({
        logger: false,
        // close() also ends idle keep-alive connections.
        forceCloseConnections: true,
        // The requests Fastify's router refuses before any hook (malformed escapes in the path) are
        // answered by the firewall, as the README recommends.
        frameworkErrors: portcullisFrameworkErrors,
        // Fastify 4 routes `/admin;x=1` to `/admin` by default (Portcullis then guards it as /admin);
        // the shared scenarios assume `;` is part of the path, Fastify 5's default.
        useSemicolonDelimiter: false,
      });
      await app.register(portcullis, { firewall });
      app.all('/*', echo);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error(`${name}: not listening on a TCP port`);
      return {
        url: `http://127.0.0.1:${address.port}`,
        port: address.port,
        close: async () => {
          await app.close();
        },
      };
    },
  };
}

export const fastifyHarnesses: Harness[] = [
  fastifyHarness('fastify@4', fastify4 as unknown as FastifyFactory),
  fastifyHarness('fastify@5', fastify5 as unknown as FastifyFactory),
];
