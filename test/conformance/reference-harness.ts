/**
 * The reference harness: Portcullis on a plain node:http server, no framework.
 *
 * It defines the expected behaviour of every adapter: call `firewall.decide()`, write
 * `decision.response` verbatim when there is one, otherwise apply `decision.responseHeaders`, run
 * the echo handler of the contract and the response-phase hooks just before the headers go out.
 * Every adapter harness must produce the same answers (the runner compares them to this one).
 *
 * With `frameworkBodyParser`, a stand-in for a framework JSON parser reads and parses
 * `application/json` first and Portcullis validates that object (`{ kind: 'parsed' }`), as the
 * Express (express.json()) and Koa harnesses do.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRepresentationHeader, readNodeStream, renderUnavailable, runResponseBodyHooks, runResponseHooks, type BodySource, type Decision, type Firewall, type RenderedResponse, type ResponseView } from '@portcullis/core';
import { listenOnLoopback } from './listen.js';
import { echoDecisionOf, type EchoBody, type Harness, type HarnessOptions, type RunningApp } from './harness.js';

/** The value the handler receives for a body Portcullis read, or undefined when there is none. */
function validatedValue(decision: Decision): unknown {
  const body = decision.body;
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

/** What the catch-all handler of the contract answers. */
function echoBodyOf(method: string, received: unknown, validated: unknown, decision: Decision | undefined): EchoBody {
  return {
    handled: true,
    method,
    body: received ?? null,
    sameBodyAsValidated: received !== undefined && received === validated,
    ...echoDecisionOf(decision),
  };
}

/** Writes a response core rendered: status, headers in order (duplicates kept), body. */
function writeRendered(res: ServerResponse, response: RenderedResponse): void {
  const flat: string[] = [];
  for (const [name, value] of response.headers) flat.push(name, value);
  res.writeHead(response.status, flat);
  res.end(response.body);
}

function responseView(res: ServerResponse): ResponseView {
  return {
    get status() {
      return res.statusCode;
    },
    getHeader(name) {
      const value = res.getHeader(name);
      if (value === undefined) return undefined;
      return Array.isArray(value) ? value.join(', ') : String(value);
    },
    setHeader(name, value) {
      res.setHeader(name, value);
    },
    removeHeader(name) {
      res.removeHeader(name);
    },
  };
}

const FRAMEWORK_PARSER_LIMIT = 1_048_576;

/**
 * The stand-in for a framework's own JSON body parser (like the Koa harness's): it reads and
 * parses `application/json` before Portcullis runs, which then validates that very object.
 * Its own failures are answered the way a framework would, not as problem+json.
 */
async function frameworkParse(req: IncomingMessage, res: ServerResponse): Promise<BodySource | undefined> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') return { kind: 'node-stream', stream: req };
  const read = await readNodeStream(req, FRAMEWORK_PARSER_LIMIT, 30_000);
  if (read.kind !== 'ok') {
    res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('body refused by the framework parser');
    return undefined;
  }
  if (read.bytes.byteLength === 0) return { kind: 'parsed', value: undefined };
  try {
    return { kind: 'parsed', value: JSON.parse(Buffer.from(read.bytes).toString('utf8')) as unknown };
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('malformed JSON (framework parser)');
    return undefined;
  }
}

async function handle(firewall: Firewall, options: HarnessOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body: BodySource | undefined = options.frameworkBodyParser === true ? await frameworkParse(req, res) : { kind: 'node-stream', stream: req };
  if (body === undefined) return;
  const decision = await firewall.decide({
    method: req.method ?? '',
    target: req.url ?? '',
    headers: req.rawHeaders,
    remoteAddress: req.socket.remoteAddress,
    body,
  });
  if (decision.response !== undefined) {
    writeRendered(res, decision.response);
    return;
  }
  // Headers the firewall contributes, set before the handler runs (the handler may override them).
  const grouped = new Map<string, string[]>();
  for (const [name, value] of decision.responseHeaders) {
    const list = grouped.get(name);
    if (list === undefined) grouped.set(name, [value]);
    else list.push(value);
  }
  for (const [name, values] of grouped) res.setHeader(name, values.length === 1 ? (values[0] as string) : values);

  // The handler of the contract.
  const validated = validatedValue(decision);
  const echo = echoBodyOf(req.method ?? '', validated, validated, decision);
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json');
  res.setHeader('x-app', 'original');
  res.setHeader('x-powered-by', 'conformance');
  let text = JSON.stringify(echo);

  // The response-body phase, the simplest way: the whole body is in hand before anything is sent.
  if (decision.responseBodyHooks.length > 0) {
    const bytes = new TextEncoder().encode(text);
    const replacement = runResponseBodyHooks(decision, responseView(res), req.method === 'HEAD' ? undefined : bytes);
    if (replacement !== undefined && req.method !== 'HEAD') {
      for (const name of res.getHeaderNames()) if (isRepresentationHeader(name)) res.removeHeader(name);
      res.statusCode = replacement.status;
      for (const [name, value] of replacement.headers) res.setHeader(name, value);
      text = replacement.body;
    }
  }
  runResponseHooks(decision, responseView(res));
  res.end(text);
}

export const referenceHarness: Harness = {
  name: 'reference (node:http)',
  async start(firewall: Firewall, options: HarnessOptions = {}): Promise<RunningApp> {
    return listenOnLoopback((req, res) => {
      handle(firewall, options, req, res).catch(() => {
        if (!res.headersSent) writeRendered(res, renderUnavailable());
        else res.destroy();
      });
    });
  },
};
