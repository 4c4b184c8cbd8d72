/** The app both Hono test files use: Portcullis first, then a catch-all handler that records what it got. */
import { Hono } from 'hono';
import type { Decision, Firewall, Policy } from '@portcullis/core';
import { portcullis, type PortcullisHonoOptions } from '../src/index.js';
import { denyAll, rewriteXApp } from '../../../test/support/adapter-kit/guards-and-client.js';

export const POLICY: Policy = {
  requestId: { trustIncoming: true },
  limits: { bodyBytes: 1024, jsonDepth: 5 },
  guards: [rewriteXApp()],
  routes: [{ path: '/blocked', guards: [denyAll()] }],
};

export interface Seen {
  decision: Decision;
  body: unknown;
  same: boolean;
}

/** An app with Portcullis first and a catch-all handler that reads the body the idiomatic way. */
export function buildApp(firewall: Firewall, options?: PortcullisHonoOptions, setup?: (app: Hono) => void) {
  const app = new Hono();
  const seen: Seen[] = [];
  app.use(portcullis(firewall, options));
  setup?.(app);
  app.all('*', async (c) => {
    const decision = c.get('portcullis');
    const kind = decision.body?.kind;
    const body = kind === 'json' ? await c.req.json() : kind === 'text' ? await c.req.text() : kind === 'form' ? await c.req.parseBody({ all: true }) : null;
    const validated = decision.body;
    seen.push({ decision, body, same: validated !== undefined && 'value' in validated && validated.value === body });
    return c.body(JSON.stringify({ ok: true }), 200, { 'content-type': 'application/json', 'x-app': 'original', 'x-powered-by': 'test' });
  });
  return { app, seen };
}

