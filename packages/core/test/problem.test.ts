/**
 * Deny responses are rendered once, in core, as RFC 9457 problem+json: the standard members plus
 * `code` and `requestId`, no echo of the request, an empty body for HEAD, and extensions only with
 * `exposeDetails`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DENY_CODES, PROBLEM_CONTENT_TYPE, problemTypeFor, renderProblemBody, renderUnavailable, mustRespond } from '../src/index.js';
import { decide, denyGuard, header, problem, raw } from './helpers.js';

const withExtensions = denyGuard({
  id: 'quota',
  evaluate: () => ({
    outcome: 'deny',
    status: 429,
    code: 'quota_exceeded',
    title: 'Too Many Requests',
    detail: 'The monthly quota is used up.',
    headers: [['retry-after', '60']],
    extensions: { limit: 1000, window: 'month', status: 200, type: 'about:blank', requestId: 'forged' },
  }),
});

describe('problem rendering', () => {
  it('renders RFC 9457 members, code and requestId, with problem+json and no-store', async () => {
    const decision = await decide({ ipFilter: { deny: ['203.0.113.0/24'] } });
    assert.ok(mustRespond(decision));
    const response = decision.response;
    assert.equal(response.status, 403);
    assert.equal(header(response.headers, 'content-type'), PROBLEM_CONTENT_TYPE);
    assert.equal(header(response.headers, 'cache-control'), 'no-store');
    assert.equal(header(response.headers, 'x-content-type-options'), 'nosniff');
    const body = problem(decision);
    assert.deepEqual(body, {
      type: 'urn:portcullis:problem:ip_denied',
      title: DENY_CODES.ip_denied.title,
      status: 403,
      code: 'ip_denied',
      requestId: decision.requestId,
    });
    assert.equal(problemTypeFor('ip_denied'), body['type']);
  });

  it('headers are lower-case name/value pairs', async () => {
    const decision = await decide({ guards: [withExtensions] });
    for (const [name] of decision.response?.headers ?? []) assert.equal(name, name.toLowerCase());
    assert.equal(header(decision.response?.headers, 'retry-after'), '60');
  });

  it('never echoes the request: path, query, headers and body stay out of the response', async () => {
    const marker = 'ECHO<script>alert(1)</script>';
    const encoded = encodeURIComponent(marker);
    const cases = [
      { target: `/${encoded}%2f`, headers: [] },
      { target: `/x?q=${encoded}%zz`, headers: [] },
      { target: `/x`, headers: raw(['x-http-method-override', marker]) },
      { target: `/x?${'a=1&'.repeat(300)}`, headers: raw(['user-agent', marker]) },
      { target: `/x`, headers: raw(['origin', 'https://' + marker]) },
    ];
    for (const init of cases) {
      const decision = await decide({ cors: { origins: ['https://ok.example'], unknownOrigin: 'deny' } }, { ...init, remoteAddress: '198.51.100.1' });
      assert.ok(decision.response !== undefined, `denied: ${init.target}`);
      const text = decision.response.body + JSON.stringify(decision.response.headers);
      assert.ok(!text.includes('ECHO') && !text.includes('script'), `no echo for ${init.target}: ${decision.response.body}`);
    }
  });

  it('sends an empty body for HEAD, with the same status and headers', async () => {
    const get = await decide({ guards: [denyGuard()] }, { method: 'GET' });
    const head = await decide({ guards: [denyGuard()] }, { method: 'HEAD' });
    assert.equal(head.response?.status, 403);
    assert.equal(head.response?.body, '');
    assert.equal(header(head.response?.headers, 'content-type'), PROBLEM_CONTENT_TYPE);
    assert.notEqual(get.response?.body, '');
  });

  it('adds extensions only with exposeDetails, never over the reserved members', async () => {
    const hidden = problem(await decide({ guards: [withExtensions] }));
    assert.equal(hidden['limit'], undefined);
    assert.equal(hidden['window'], undefined);
    assert.equal(hidden['detail'], 'The monthly quota is used up.', 'fixed detail text is always shown');
    const exposedDecision = await decide({ exposeDetails: true, guards: [withExtensions] });
    const exposed = problem(exposedDecision);
    assert.equal(exposed['limit'], 1000);
    assert.equal(exposed['window'], 'month');
    assert.equal(exposed['status'], 429, 'an extension cannot override status');
    assert.equal(exposed['type'], 'urn:portcullis:problem:quota_exceeded');
    assert.equal(exposed['requestId'], exposedDecision.requestId);
  });

  it('reveals a request limit only with exposeDetails', async () => {
    const target = '/' + 'a'.repeat(100);
    const hidden = problem(await decide({ limits: { urlLength: 50 } }, { target }));
    assert.equal(hidden['code'], 'url_too_long');
    assert.equal(hidden['limit'], undefined, 'limits are not revealed unless asked');
    const exposed = problem(await decide({ limits: { urlLength: 50 }, exposeDetails: true }, { target }));
    assert.equal(exposed['code'], 'url_too_long');
    assert.equal(exposed['limit'], 50);
  });

  it('carries the security headers and the request id on denials', async () => {
    const decision = await decide({ guards: [denyGuard()] });
    assert.equal(header(decision.response?.headers, 'x-frame-options'), 'DENY');
    assert.equal(header(decision.response?.headers, 'x-request-id'), decision.requestId);
    const refused = await decide({}, { target: '/a%00' });
    assert.equal(header(refused.response?.headers, 'x-frame-options'), 'DENY', 'also on refusals found before routing');
    const bare = await decide({ securityHeaders: false, guards: [denyGuard()] });
    assert.equal(header(bare.response?.headers, 'x-frame-options'), undefined);
    assert.equal(header(bare.response?.headers, 'x-content-type-options'), 'nosniff', 'problem bodies are never sniffed');
  });

  it('renderProblemBody and renderUnavailable are plain and safe', () => {
    assert.deepEqual(JSON.parse(renderProblemBody({ status: 400, code: 'json_invalid', title: 'Bad' })), {
      type: 'urn:portcullis:problem:json_invalid',
      title: 'Bad',
      status: 400,
      code: 'json_invalid',
    });
    const unavailable = renderUnavailable();
    assert.equal(unavailable.status, 503);
    assert.equal(header(unavailable.headers, 'content-type'), PROBLEM_CONTENT_TYPE);
    assert.equal(JSON.parse(unavailable.body).code, 'guard_unavailable');
  });

  it('every core deny code has a 4xx/5xx status and a title', () => {
    for (const [code, { status, title }] of Object.entries(DENY_CODES)) {
      assert.match(code, /^[a-z][a-z0-9_]*$/);
      assert.ok(status >= 400 && status < 600, code);
      assert.ok(title.length > 0, code);
    }
  });
});

describe('a refusal in the GraphQL error format', () => {
  const graphqlDeny = (exposeDetails: boolean) => ({
    exposeDetails,
    guards: [
      denyGuard({
        evaluate: () => ({ outcome: 'deny', status: 400, code: 'access_denied', title: 'Forbidden', detail: 'fixed text', format: 'graphql', extensions: { limit: 3 } }),
      }),
    ],
  });

  it('is rendered as application/graphql-response+json with the same status, code and no limit', async () => {
    const decision = await decide(graphqlDeny(false), { headers: [['x-request-id', 'ignored']] });
    assert.equal(decision.status, 400);
    assert.equal(header(decision.response?.headers, 'content-type'), 'application/graphql-response+json');
    assert.equal(header(decision.response?.headers, 'x-content-type-options'), 'nosniff');
    const body = JSON.parse(decision.response?.body ?? '{}') as { errors: { message: string; extensions: Record<string, unknown> }[] };
    assert.deepEqual(body.errors, [{ message: 'Forbidden', extensions: { code: 'access_denied', status: 400, detail: 'fixed text', requestId: decision.requestId } }]);
  });

  it('reveals limits only with exposeDetails, and HEAD gets no body', async () => {
    const exposed = JSON.parse((await decide(graphqlDeny(true))).response?.body ?? '{}') as { errors: { extensions: Record<string, unknown> }[] };
    assert.equal(exposed.errors[0]?.extensions['limit'], 3);
    assert.equal((await decide(graphqlDeny(true), { method: 'HEAD' })).response?.body, '');
  });
});
