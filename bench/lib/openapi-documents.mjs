// The OpenAPI benchmark's documents and requests, shared by its entry (bench/openapi.mjs) and its
// child processes (startup, decide, servers), so that every side agrees on paths, bodies and checks.
//
// Two documents from the repository's copy of the corpus (test/corpora/openapi, gzip; never the
// shared corpus): GitHub's REST description (12 MB of JSON, 1,100+ operations: the size target), and
// Redocly's museum example (OAS 3.1, a few operations), which express-openapi-validator can load, so
// that a Portcullis / peer ratio exists even when the peer fails on GitHub's.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const CORPUS_DIR = fileURLToPath(new URL('../../test/corpora/openapi/', import.meta.url));

/**
 * The YAML parser @portcullis/openapi itself uses (its dependency, resolved from the package), so the
 * bench needs no YAML parser of its own for the museum document. Resolved on first use only.
 */
function parseYaml(text) {
  const require = createRequire(import.meta.resolve('@portcullis/openapi'));
  return require('yaml').parse(text, { maxAliasCount: -1 });
}

/** Sizes a JSON body to exactly `bytes` by padding one string field. */
function padded(bytes, build) {
  const base = JSON.stringify(build('')).length;
  if (base > bytes) throw new Error(`body is already ${base} bytes, more than ${bytes}`);
  return JSON.stringify(build('x'.repeat(bytes - base)));
}

/** GitHub `issues/create`: every documented field, valid, the issue text padding the body to 1 KB. */
const GITHUB_ISSUE_BODY = padded(1024, (text) => ({
  title: 'Found a bug in the payment flow',
  body: `Steps to reproduce: open the checkout, pay with a saved card. ${text}`,
  assignees: ['octocat', 'hubot'],
  milestone: 1,
  labels: ['bug', { name: 'triage', description: 'Needs a first look', color: 'ededed' }],
  issue_field_values: [{ field_id: 7, value: 'Urgent' }, { field_id: 8, value: ['web', 'api'] }],
  type: 'Bug',
}));

/** Museum `createSpecialEvent`: a SpecialEvent, its description padding the body to 1 KB. */
const MUSEUM_EVENT_BODY = padded(1024, (text) => ({
  name: 'Pirate Coding Workshop',
  location: 'Computer Room',
  eventDescription: `Captain Blackbeard shares his love of the C...language. ${text}`,
  dates: ['2024-10-29', '2024-10-30', '2024-10-31'],
  price: 25,
}));

const MUSEUM_BASE = '/_mock/docs/openapi/museum-api';

/**
 * Per document: where it is, how it is adapted for the benchmark, its two measured requests (a JSON
 * POST of 1 KB and a GET with path and query parameters), and requests every validating variant
 * must refuse (checked before anything is measured).
 */
export const OPENAPI_DOCUMENTS = Object.freeze({
  github: {
    id: 'github',
    title: 'GitHub REST (api.github.com, OAS 3.0.3)',
    file: 'github-api.github.com.json.gz',
    format: 'json',
    adapt: (document) => document,
    adaptation: undefined,
    requests: {
      post: { title: 'POST /repos/{owner}/{repo}/issues (issues/create), 1 KB JSON', operation: 'issues/create', method: 'POST', path: '/repos/octo-org/hello-world/issues', body: GITHUB_ISSUE_BODY },
      get: { title: 'GET /repos/{owner}/{repo}/issues?state=open&per_page=50 (issues/list-for-repo)', operation: 'issues/list-for-repo', method: 'GET', path: '/repos/octo-org/hello-world/issues?state=open&per_page=50' },
    },
    refused: [
      { what: 'a body whose `assignees` is not an array', method: 'POST', path: '/repos/octo-org/hello-world/issues', body: GITHUB_ISSUE_BODY.replace('"assignees":["octocat","hubot"]', '"assignees":"octocat"'), status: 400 },
      { what: 'a query `state` outside its enum', method: 'GET', path: '/repos/octo-org/hello-world/issues?state=bogus&per_page=50', status: 400 },
      { what: 'an undocumented path', method: 'GET', path: '/repos/octo-org/hello-world/no-such-thing', status: 404 },
    ],
  },
  museum: {
    id: 'museum',
    title: 'Redocly Museum (OAS 3.1.0)',
    file: 'redocly-museum-3.1.yaml.gz',
    format: 'yaml',
    // Its top-level `security` is HTTP basic with no verifier to give Portcullis, and the peer only
    // checks that an Authorization header is there: both run without it, so both validate the same.
    adapt: (document) => {
      const { security, ...rest } = document;
      return rest;
    },
    adaptation: 'its top-level `security` (HTTP basic) removed for every tool',
    requests: {
      post: { title: `POST ${MUSEUM_BASE}/special-events (createSpecialEvent), 1 KB JSON`, operation: 'createSpecialEvent', method: 'POST', path: `${MUSEUM_BASE}/special-events`, body: MUSEUM_EVENT_BODY },
      get: { title: `GET ${MUSEUM_BASE}/special-events?startDate=…&endDate=…&page=2&limit=15 (listSpecialEvents)`, operation: 'listSpecialEvents', method: 'GET', path: `${MUSEUM_BASE}/special-events?startDate=2024-01-01&endDate=2024-01-31&page=2&limit=15` },
    },
    refused: [
      { what: 'a body whose `price` is a string', method: 'POST', path: `${MUSEUM_BASE}/special-events`, body: MUSEUM_EVENT_BODY.replace('"price":25', '"price":"25"'), status: 400 },
      { what: 'a query `limit` over its maximum', method: 'GET', path: `${MUSEUM_BASE}/special-events?limit=31`, status: 400 },
      { what: 'an undocumented path', method: 'GET', path: `${MUSEUM_BASE}/no-such-thing`, status: 404 },
    ],
  },
});

/** The document's text (decompressed) and how long reading and decompressing took. */
export function readDocumentText(id) {
  const spec = OPENAPI_DOCUMENTS[id];
  const start = process.hrtime.bigint();
  const text = gunzipSync(readFileSync(`${CORPUS_DIR}${spec.file}`)).toString('utf8');
  return { text, readMs: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** Parses the text as the format of document `id`, adapted for the benchmark; times the parse alone. */
export function parseDocument(id, text) {
  const spec = OPENAPI_DOCUMENTS[id];
  const start = process.hrtime.bigint();
  const parsed = spec.format === 'json' ? JSON.parse(text) : parseYaml(text);
  const parseMs = Number(process.hrtime.bigint() - start) / 1e6;
  return { document: spec.adapt(parsed), parseMs };
}

/** The document, read, decompressed and parsed. */
export function loadDocument(id) {
  const { text, readMs } = readDocumentText(id);
  const { document, parseMs } = parseDocument(id, text);
  return { document, bytes: Buffer.byteLength(text), readMs, parseMs };
}

/** HTTP request headers of a measured request (what the load generator and the checks send). */
export function httpHeaders(request) {
  return request.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' };
}

/** Headers of an ordinary API call, as Node's rawHeaders (a flat name/value list), for decide(). */
const COMMON_RAW_HEADERS = ['Host', 'api.example.com', 'User-Agent', 'bench/1.0', 'Accept', 'application/json', 'Accept-Encoding', 'gzip, deflate, br', 'Connection', 'keep-alive'];

/**
 * The decide() input of a request: a POST's body as already read by an adapter (a `read` source),
 * so one input object serves every decide (as in bench/micro.mjs).
 */
export function decideInit(request) {
  if (request.body === undefined) return { method: request.method, target: request.path, headers: COMMON_RAW_HEADERS, remoteAddress: '127.0.0.1' };
  const bytes = new TextEncoder().encode(request.body);
  return {
    method: request.method,
    target: request.path,
    headers: [...COMMON_RAW_HEADERS, 'Content-Type', 'application/json', 'Content-Length', String(bytes.byteLength)],
    remoteAddress: '127.0.0.1',
    body: { kind: 'read', result: { kind: 'ok', bytes } },
  };
}

/** A telemetry sink that keeps diagnostics' codes only (a 12 MB document warns; the console stays quiet). */
export function countingTelemetry() {
  const codes = new Map();
  return {
    sink: { onDecision() {}, onDiagnostic: (diagnostic) => codes.set(diagnostic.code, (codes.get(diagnostic.code) ?? 0) + 1) },
    counts: () => Object.fromEntries(codes),
  };
}

export const mib = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
