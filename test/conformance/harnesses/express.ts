/**
 * Conformance harnesses for @portcullis/express on Express 4 and 5 (see ../harness.ts).
 *
 * The app: [express.json() when `frameworkBodyParser`] -> portcullis(firewall) -> one catch-all
 * handler (`app.use`, every method and path) that answers the EchoBody of the contract.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Decision, Firewall } from '@portcullis/core';
import { portcullis } from '@portcullis/express';
import express4 from 'express4';
import express5 from 'express5';
import { echoDecisionOf, type EchoBody, type Harness, type HarnessOptions, type RunningApp } from '../harness.js';
import { listenOnLoopback } from '../listen.js';

/** The part of Express the harness uses (the test workspace carries no Express typings). */
interface ExpressRequest extends IncomingMessage {
  body?: unknown;
  portcullis?: Decision;
}
type Handler = (req: ExpressRequest, res: ServerResponse, next: (error?: unknown) => void) => void;
interface ExpressApp {
  (req: IncomingMessage, res: ServerResponse): void;
  use(handler: unknown): unknown;
}
interface ExpressModule {
  (): ExpressApp;
  json(): Handler;
}

/** The value Portcullis validated and handed on, when it did. */
function validatedValue(decision: Decision | undefined): unknown {
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
const echo: Handler = (req, res) => {
  const decision = req.portcullis;
  const validated = validatedValue(decision);
  const body: EchoBody = {
    handled: true,
    method: req.method ?? '',
    body: req.body ?? null,
    sameBodyAsValidated: validated !== undefined && req.body === validated,
    ...echoDecisionOf(decision),
  };
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json');
  res.setHeader('x-app', 'original');
  res.setHeader('x-powered-by', 'conformance');
  res.end(JSON.stringify(body));
};

function expressHarness(name: string, express: ExpressModule): Harness {
  return {
    name,
    async start(firewall: Firewall, options: HarnessOptions = {}): Promise<RunningApp> {
      const app = express();
      if (options.frameworkBodyParser === true) app.use(express.json());
      app.use(portcullis(firewall));
      app.use(echo);
      return listenOnLoopback(app);
    },
  };
}

export const expressHarnesses: Harness[] = [
  expressHarness('express@4', express4 as unknown as ExpressModule),
  expressHarness('express@5', express5 as unknown as ExpressModule),
];
