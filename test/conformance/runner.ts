/**
 * Runs conformance scenarios against harnesses over real HTTP on loopback: builds the exact
 * request bytes, checks each answer against its scenario, and reduces it to the part the firewall
 * controls so that answers can be compared across adapters.
 *
 * Adding an adapter (or a framework major) = adding its harnesses to HARNESSES.
 */
import assert from 'node:assert/strict';
import { AUTH_DENY_CODES } from '@portcullis/auth';
import { DENY_CODES, type Firewall } from '@portcullis/core';
import { GRAPHQL_DENY_CODES } from '@portcullis/graphql';
import { OPENAPI_DENY_CODES } from '@portcullis/openapi';
import { RATE_LIMIT_DENY_CODES } from '@portcullis/rate-limit';
import { NotApplicable, type EchoBody, type Harness, type HarnessOptions, type RunningApp } from './harness.js';
import { expressHarnesses } from './harnesses/express.js';
import { fastifyHarnesses } from './harnesses/fastify.js';
import { honoHarnesses } from './harnesses/hono.js';
import { koaHarnesses } from './harnesses/koa.js';
import { referenceHarness } from './reference-harness.js';
import { ALLOWED, policy, type ExpectedProblemError, type PolicyCase, type Scenario, type ScenarioRequest } from './scenario.js';
import { buildRequest, encodeChunk, exchange, headerValue, headerValues, LAST_CHUNK, type Afterwards, type Header, type RawResponse } from '../support/raw-http.js';

/**
 * Every harness the suite runs, the reference first (it defines the expected answers). Adding an
 * adapter, or a framework major, means adding its harnesses to this list.
 */
export const HARNESSES: readonly Harness[] = checkNames([referenceHarness, ...expressHarnesses, ...fastifyHarnesses, ...koaHarnesses, ...honoHarnesses]);

function checkNames(harnesses: Harness[]): Harness[] {
  const names = new Set<string>();
  for (const h of harnesses) {
    if (names.has(h.name)) throw new Error(`two harnesses are named "${h.name}"`);
    names.add(h.name);
  }
  return harnesses;
}

export { referenceHarness };

/**
 * Answers an adapter cannot make conform because its framework answers before any middleware runs
 * (e.g. a server that refuses a request-target with its own bare 400). Each entry must name the
 * framework behaviour; the adapter's README must state it. Such tests still run, reported as TODO
 * with the reason, so that a fix in the framework or the adapter shows up. Keep this list short.
 */
/**
 * Where a framework answers differently for a reason outside the adapter's reach. A deviation is
 * never a skip: it states the behaviour that is asserted instead.
 *  - `refused-before-firewall`: the server refuses the request with a bare 400 before any middleware
 *    runs. Asserted: status 400 and the handler never ran.
 *  - `extra-header`: the server adds `header` to the firewall's answer. Asserted: everything else
 *    as the scenario expects and identical to the reference, with that header set aside.
 */
export type KnownDeviation =
  | { readonly harness: string; readonly scenario: string; readonly reason: string; readonly kind: 'refused-before-firewall' }
  | { readonly harness: string; readonly scenario: string; readonly reason: string; readonly kind: 'extra-header'; readonly header: string };

const HONO_BARE_400 = '@hono/node-server answers a bare 400 (plain text, no problem body) before Hono runs when it cannot build a Request for the target';
const HONO_204_TYPE = '@hono/node-server adds content-type: text/plain;charset=UTF-8 to a response that has none, including a 204 with a null body';

export const KNOWN_DEVIATIONS: readonly KnownDeviation[] = [
  { harness: 'hono@4', scenario: 'normalization: raw backslash /admin\\x is refused', reason: HONO_BARE_400, kind: 'refused-before-firewall' },
  { harness: 'hono@4', scenario: 'normalization: backslash dot segment /x\\..\\admin is refused', reason: HONO_BARE_400, kind: 'refused-before-firewall' },
  { harness: 'hono@4', scenario: 'normalization: * target on GET is refused', reason: HONO_BARE_400, kind: 'refused-before-firewall' },
  { harness: 'hono@4', scenario: 'routes: OPTIONS * with unmatched routes denied is 404', reason: HONO_BARE_400, kind: 'refused-before-firewall' },
  { harness: 'hono@4', scenario: 'cors: allowed preflight is answered 204 with the exact CORS headers', reason: HONO_204_TYPE, kind: 'extra-header', header: 'content-type' },
  { harness: 'hono@4', scenario: 'cors: allowed preflight without requested headers grants none', reason: HONO_204_TYPE, kind: 'extra-header', header: 'content-type' },
  { harness: 'hono@4', scenario: 'cors: preflight to a GET-only route is answered (OPTIONS is implied by CORS)', reason: HONO_204_TYPE, kind: 'extra-header', header: 'content-type' },
  { harness: 'hono@4', scenario: 'cors: credentials: preflight with custom methods, headers and max-age', reason: HONO_204_TYPE, kind: 'extra-header', header: 'content-type' },
  { harness: 'hono@4', scenario: "cors: origins '*' preflight", reason: HONO_204_TYPE, kind: 'extra-header', header: 'content-type' },
];

export function knownDeviation(harness: string, scenario: string): KnownDeviation | undefined {
  return KNOWN_DEVIATIONS.find((d) => d.harness === harness && d.scenario === scenario);
}

/** The response with one header removed (for an `extra-header` deviation). */
export function withoutHeader(response: RawResponse, header: string): RawResponse {
  return { ...response, headers: response.headers.filter(([name]) => name.toLowerCase() !== header) };
}

/**
 * Which harnesses cannot run the framework-body-parser variant (they throw NotApplicable), with
 * the reason they gave. Found by starting each harness once with that option.
 */
export async function bodyParserNotApplicable(harnesses: readonly Harness[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const probe = policy('probe');
  for (const harness of harnesses) {
    const firewall = probe.create();
    try {
      const app = await harness.start(firewall, { frameworkBodyParser: true });
      await app.close();
    } catch (error) {
      if (!(error instanceof NotApplicable)) throw error;
      result.set(harness.name, error.message === '' ? 'NotApplicable' : error.message);
    } finally {
      await firewall.close();
    }
  }
  return result;
}

/** One running app per (policy, options) for one harness, started on first use. */
export class AppPool {
  readonly #apps = new Map<PolicyCase, Map<string, Promise<{ app: RunningApp; firewall: Firewall }>>>();

  constructor(readonly harness: Harness) {}

  async get(policyCase: PolicyCase, options: HarnessOptions | undefined): Promise<RunningApp> {
    let byOptions = this.#apps.get(policyCase);
    if (byOptions === undefined) this.#apps.set(policyCase, (byOptions = new Map()));
    const key = JSON.stringify(options ?? {});
    let started = byOptions.get(key);
    if (started === undefined) {
      const firewall = policyCase.create();
      started = this.harness.start(firewall, options).then((app) => ({ app, firewall }));
      byOptions.set(key, started);
    }
    return (await started).app;
  }

  async closeAll(): Promise<void> {
    const all = [...this.#apps.values()].flatMap((m) => [...m.values()]);
    this.#apps.clear();
    await Promise.allSettled(
      all.map(async (started) => {
        const { app, firewall } = await started;
        await app.close();
        await firewall.close();
      }),
    );
  }
}

/** The request id the runner sends with scenario number `n` (1-based). */
export function sentRequestId(n: number): string {
  return `conf-${n}`;
}

function utf8(data: string | Uint8Array): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
}

/** The exact bytes for a scenario's request, and what to do after sending them. */
export function requestBytes(scenario: Scenario, n: number, port: number): { send: Buffer; afterwards: Afterwards } {
  return bytesOf(scenario.name, scenario.request, n, port);
}

function bytesOf(scenarioName: string, r: ScenarioRequest, n: number, port: number): { send: Buffer; afterwards: Afterwards } {
  const headers: Header[] = [['Host', `127.0.0.1:${port}`]];
  if (r.omitRequestId !== true) headers.push(['X-Request-Id', sentRequestId(n)]);
  headers.push(...(r.headers ?? []));
  const hasLength = headers.some(([name]) => name.toLowerCase() === 'content-length');
  let body: Buffer | undefined;
  let afterwards: Afterwards = { kind: 'wait' };
  if (r.body !== undefined && r.chunks !== undefined) throw new Error(`${scenarioName}: a request has either a body or chunks`);
  if (r.body !== undefined) {
    body = utf8(r.body);
    if (!hasLength) headers.push(['Content-Length', String(body.byteLength)]);
  } else if (r.chunks !== undefined) {
    headers.push(['Transfer-Encoding', 'chunked']);
    const end = r.chunkedEnd ?? 'end';
    body = Buffer.concat([...r.chunks.map((c) => encodeChunk(utf8(c))), ...(end === 'end' ? [LAST_CHUNK] : [])]);
    if (end === 'stall') afterwards = { kind: 'stall' };
    else if (end !== 'end') afterwards = { kind: 'flood', chunk: Buffer.alloc(end.flood.chunkBytes, 'a'), maxBytes: end.flood.maxBytes };
  }
  if (r.keepAlive !== true) headers.push(['Connection', 'close']);
  return { send: buildRequest({ method: r.method, target: r.target, headers, ...(body === undefined ? {} : { body }) }), afterwards };
}

/**
 * Sends the scenario's `before` requests (answers not checked), then its request (`repeat` times),
 * each on a fresh connection. Returns the answers to the scenario's request.
 */
export async function sendScenario(app: RunningApp, scenario: Scenario, n: number): Promise<RawResponse[]> {
  for (const earlier of scenario.before ?? []) {
    const { send, afterwards } = bytesOf(scenario.name, earlier, n, app.port);
    await exchange({ port: app.port, send, afterwards, headRequest: earlier.method === 'HEAD', timeoutMs: 5_000 });
  }
  const responses: RawResponse[] = [];
  for (let i = 0; i < (scenario.expect.repeat ?? 1); i++) {
    const { send, afterwards } = requestBytes(scenario, n, app.port);
    responses.push(await exchange({ port: app.port, send, afterwards, headRequest: scenario.request.method === 'HEAD', timeoutMs: 5_000 }));
  }
  return responses;
}

/** The deny codes of core and of the guard packages the scenarios use: code -> title. */
const KNOWN_DENY_CODES: readonly Readonly<Record<string, { readonly title: string } | undefined>>[] = [DENY_CODES, AUTH_DENY_CODES, RATE_LIMIT_DENY_CODES, GRAPHQL_DENY_CODES, OPENAPI_DENY_CODES];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PROBLEM_TYPE_PREFIX = 'urn:portcullis:problem:';

function requestIdExpectation(scenario: Scenario, n: number): { header: string; value: string | 'generated' } {
  const wanted = scenario.expect.requestId ?? (scenario.request.omitRequestId === true ? 'generated' : 'sent');
  if (wanted === 'sent') return { header: 'x-request-id', value: sentRequestId(n) };
  if (wanted === 'generated') return { header: 'x-request-id', value: 'generated' };
  return { header: wanted.header.toLowerCase(), value: wanted.value };
}

function preview(response: RawResponse): string {
  const head = response.headers.map(([n, v]) => `${n}: ${v}`).join('\n  ');
  return `\n  HTTP ${response.status}\n  ${head}\n  ${response.body.toString('utf8').slice(0, 500)}`;
}

/** Checks one answer against its scenario; throws an AssertionError naming what differs. */
export function checkAnswer(scenario: Scenario, n: number, response: RawResponse): void {
  const e = scenario.expect;
  const context = preview(response);
  const isHead = scenario.request.method === 'HEAD';
  assert.equal(response.status, e.status, `status${context}`);

  // The handler sets x-app (possibly rewritten by a response hook); firewall answers never carry it.
  const ran = headerValues(response, 'x-app').length > 0;
  assert.equal(ran, e.handled, `${e.handled ? 'the handler should have run' : 'the handler must not run'}${context}`);
  // A handled request with a problem expected: the handler ran and a response-body hook replaced its answer.
  if (e.handled && !isHead && e.problem === undefined) {
    let echo: EchoBody;
    try {
      echo = JSON.parse(response.body.toString('utf8')) as EchoBody;
    } catch {
      assert.fail(`the handler's answer is not an EchoBody${context}`);
    }
    assert.equal(echo.handled, true, `EchoBody.handled${context}`);
    assert.equal(echo.method, e.echo?.method ?? scenario.request.method, `EchoBody.method${context}`);
    if (e.echo !== undefined && 'body' in e.echo) assert.deepEqual(echo.body, e.echo.body, `EchoBody.body${context}`);
    if (e.echo?.sameBodyAsValidated !== undefined) assert.equal(echo.sameBodyAsValidated, e.echo.sameBodyAsValidated, `EchoBody.sameBodyAsValidated${context}`);
    assert.deepEqual(echo.decision, e.echo?.decision ?? ALLOWED, `EchoBody.decision${context}`);
    assert.deepEqual(echo.identity, e.echo?.identity ?? null, `EchoBody.identity${context}`);
  }

  const id = requestIdExpectation(scenario, n);
  const ids = headerValues(response, id.header);
  assert.equal(ids.length, 1, `exactly one ${id.header} header${context}`);
  const answeredId = ids[0] as string;
  if (id.value === 'generated') {
    assert.match(answeredId, UUID, `a generated ${id.header} (UUID)${context}`);
    assert.notEqual(answeredId, sentRequestId(n), `the incoming request id must be replaced${context}`);
  } else {
    assert.equal(answeredId, id.value, `${id.header}${context}`);
  }

  if (e.problem !== undefined) {
    assert.equal(headerValue(response, 'content-type'), 'application/problem+json', `content-type${context}`);
    assert.equal(headerValue(response, 'cache-control'), 'no-store', `cache-control${context}`);
    assert.equal(headerValue(response, 'x-content-type-options'), 'nosniff', `x-content-type-options${context}`);
    assert.deepEqual(headerValues(response, 'x-powered-by'), [], `x-powered-by must be absent${context}`);
    if (isHead || e.emptyBody === true) {
      assert.equal(response.body.length, 0, `a HEAD denial has no body${context}`);
    } else {
      const known = KNOWN_DENY_CODES.map((table) => table[e.problem as string]).find((entry) => entry !== undefined);
      assert.ok(known !== undefined, `scenario uses an unknown deny code ${e.problem}`);
      const errors = e.problemErrors === undefined ? {} : { errors: expectedErrors(e.problemErrors, response, context) };
      const expected = JSON.stringify({ type: PROBLEM_TYPE_PREFIX + e.problem, title: known.title, status: e.status, code: e.problem, requestId: answeredId, ...e.problemExtensions, ...errors });
      assert.equal(response.body.toString('utf8'), expected, `problem+json body${context}`);
    }
  }
  if (e.emptyBody === true) assert.equal(response.body.length, 0, `no body expected${context}`);

  for (const [name, wanted] of Object.entries(e.headers ?? {})) {
    const values = headerValues(response, name);
    if (wanted === null) assert.deepEqual(values, [], `${name} must be absent${context}`);
    else if (wanted === true) assert.ok(values.length > 0, `${name} must be present${context}`);
    else if (wanted instanceof RegExp) assert.match(values.join(', '), wanted, `${name}${context}`);
    else assert.deepEqual(values, [wanted], `${name}${context}`);
  }

  if (e.mustNotContain !== undefined) {
    const raw = response.raw.toString('latin1').toLowerCase();
    for (const text of e.mustNotContain) assert.ok(!raw.includes(text.toLowerCase()), `the answer must not contain ${JSON.stringify(text)}${context}`);
  }
}

/**
 * The `errors` member a problem body must carry: the expected entries, each message taken from the
 * answer where the scenario leaves it open (it must still be a string). The whole body is then
 * compared exactly, so count, order, pointers and keywords are all checked.
 */
function expectedErrors(wanted: readonly ExpectedProblemError[], response: RawResponse, context: string): { pointer: string; keyword: string; message: string }[] {
  let answered: unknown;
  try {
    answered = (JSON.parse(response.body.toString('utf8')) as { errors?: unknown }).errors;
  } catch {
    assert.fail(`the problem body is not JSON${context}`);
  }
  const list = Array.isArray(answered) ? (answered as unknown[]) : [];
  return wanted.map((entry, i) => {
    const got = list[i] as { message?: unknown } | undefined;
    const message = entry.message ?? (typeof got?.message === 'string' ? got.message : '<a string message>');
    return { pointer: entry.pointer, keyword: entry.keyword, message };
  });
}

/** The part of an answer that the firewall and the contract control, comparable across adapters. */
export interface Answer {
  readonly status: number;
  /** Lower-case names, sorted; values in the order received. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly body: string;
}

/** Headers that legitimately differ between servers and frameworks. */
const TRANSPORT_HEADERS = new Set(['date', 'keep-alive', 'content-length', 'transfer-encoding', 'etag']);

export function normalizeAnswer(scenario: Scenario, n: number, response: RawResponse): Answer {
  const ran = headerValues(response, 'x-app').length > 0;
  const id = requestIdExpectation(scenario, n);
  const generated = id.value === 'generated' ? headerValue(response, id.header) : undefined;
  const mask = (text: string): string => (generated === undefined || generated === '' ? text : text.split(generated).join('<generated-request-id>'));
  const headers: Record<string, string[]> = {};
  for (const [name, value] of response.headers) {
    if (TRANSPORT_HEADERS.has(name)) continue;
    // The client asked for Connection: close, so every server says so; only a keep-alive request
    // shows whether the firewall closes the connection itself.
    if (name === 'connection' && scenario.request.keepAlive !== true) continue;
    // The echo handler's content-type is the framework's business (charset parameters differ).
    if (name === 'content-type' && ran) continue;
    (headers[name] ??= []).push(mask(value));
  }
  const sorted: Record<string, readonly string[]> = {};
  for (const name of Object.keys(headers).sort()) sorted[name] = headers[name] as string[];
  return { status: response.status, headers: sorted, body: mask(response.body.toString('utf8')) };
}

/** What differs between two answers, one line per difference (empty when they are the same). */
export function diffAnswers(expected: Answer, actual: Answer): string[] {
  const lines: string[] = [];
  if (actual.status !== expected.status) lines.push(`status: ${actual.status}, expected ${expected.status}`);
  const names = new Set([...Object.keys(expected.headers), ...Object.keys(actual.headers)]);
  for (const name of [...names].sort()) {
    const want = JSON.stringify(expected.headers[name] ?? null);
    const got = JSON.stringify(actual.headers[name] ?? null);
    if (want !== got) lines.push(`header ${name}: ${got}, expected ${want}`);
  }
  if (actual.body !== expected.body) lines.push(`body: ${JSON.stringify(actual.body.slice(0, 300))}, expected ${JSON.stringify(expected.body.slice(0, 300))}`);
  return lines;
}
