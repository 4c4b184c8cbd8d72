/**
 * Conformance harness for @portcullis/hono on Hono 4 served by @hono/node-server (see ../harness.ts).
 *
 * The app: `app.use(portcullis(firewall))` -> one catch-all route (`app.all('*')`) that answers the
 * EchoBody of the contract, reading the body the way a Hono handler does: `c.req.json()` (which
 * returns the object Portcullis validated), `c.req.text()`, and `c.req.valid('form')` for forms.
 * Hono has no body parser of its own that could run first: `frameworkBodyParser` is NotApplicable.
 */
import type { AddressInfo } from 'node:net';
import type { Decision, Firewall } from '@portcullis/core';
import { portcullis } from '@portcullis/hono';
import { serve } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { NotApplicable, echoDecisionOf, type EchoBody, type Harness, type HarnessOptions, type RunningApp } from '../harness.js';

/** What the handler receives, read through HonoRequest as an application would. */
async function receivedBody(c: Context, decision: Decision): Promise<unknown> {
  switch (decision.body?.kind) {
    case 'json':
      return c.req.json();
    case 'text':
      return c.req.text();
    case 'form':
      return (c.req as unknown as { valid(target: 'form'): unknown }).valid('form');
    default:
      return undefined;
  }
}

function validatedValue(decision: Decision): unknown {
  const body = decision.body;
  return body !== undefined && (body.kind === 'json' || body.kind === 'form' || body.kind === 'text') ? body.value : undefined;
}

/** The catch-all handler of the contract. */
async function echo(c: Context): Promise<Response> {
  const decision = c.get('portcullis') as Decision | undefined;
  const received = decision === undefined ? undefined : await receivedBody(c, decision);
  const validated = decision === undefined ? undefined : validatedValue(decision);
  const body: EchoBody = {
    handled: true,
    method: c.req.method,
    body: received ?? null,
    sameBodyAsValidated: validated !== undefined && received === validated,
    ...echoDecisionOf(decision),
  };
  return c.body(JSON.stringify(body), 200, { 'content-type': 'application/json', 'x-app': 'original', 'x-powered-by': 'conformance' });
}

export const honoHarnesses: Harness[] = [
  {
    name: 'hono@4',
    async start(firewall: Firewall, options: HarnessOptions = {}): Promise<RunningApp> {
      if (options.frameworkBodyParser === true) {
        throw new NotApplicable('Hono parses no body before the handler asks for it; Portcullis reads it and seeds HonoRequest');
      }
      const app = new Hono();
      app.use(portcullis(firewall));
      app.all('*', echo);
      const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
        const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve({ server, port: info.port }));
      });
      return {
        url: `http://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            // Idle keep-alive connections would otherwise hold close() open.
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      };
    },
  },
];
