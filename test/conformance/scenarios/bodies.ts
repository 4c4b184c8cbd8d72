/**
 * Bodies: what was validated is what the handler gets. JSON, form and text are read by Portcullis
 * (capped, strict UTF-8, prototype-pollution safe) and handed on; other media types are left unread.
 */
import { denied, handled, JSON_TYPE, policy, type Scenario, type ScenarioRequest } from '../scenario.js';
import type { Header } from '../../support/raw-http.js';

const defaults = policy('bodies: defaults');
const lenient = policy('bodies: strictUtf8 false', () => ({ body: { strictUtf8: false } }));
const noDuplicates = policy('bodies: rejectDuplicateKeys', () => ({ body: { rejectDuplicateKeys: true } }));
const parsedByFramework = policy('bodies: jsonDepth 3 (framework parser)', () => ({ limits: { jsonDepth: 3 } }));

const post = (body: string | Uint8Array, contentType: string | null = 'application/json', extra: readonly Header[] = []): ScenarioRequest => ({
  method: 'POST',
  target: '/echo',
  headers: [...(contentType === null ? [] : ([['Content-Type', contentType]] as Header[])), ...extra],
  body,
});

const SAMPLE = { a: 1, b: [true, null, 'x'], c: { d: 'é', e: -1.5e3 } };
const SAMPLE_TEXT = JSON.stringify(SAMPLE);
/** `{"a":"<0xff>"}`: not UTF-8. */
const INVALID_UTF8 = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);

export const bodyScenarios: readonly Scenario[] = [
  { name: 'bodies: valid JSON is handed on as the same object', policy: defaults, request: post(SAMPLE_TEXT), expect: handled({ body: SAMPLE, sameBodyAsValidated: true }) },
  { name: 'bodies: malformed JSON is 400', policy: defaults, request: post('{"a":'), expect: denied(400, 'json_invalid') },
  { name: 'bodies: JSON with trailing garbage is 400', policy: defaults, request: post('{"a":1} x'), expect: denied(400, 'json_invalid') },
  { name: 'bodies: invalid UTF-8 is 400', policy: defaults, request: post(INVALID_UTF8), expect: denied(400, 'body_invalid_utf8') },
  {
    name: 'bodies: strictUtf8 false lets invalid UTF-8 through (replacement characters)',
    policy: lenient,
    request: post(INVALID_UTF8),
    expect: handled({ body: { a: '\ufffd\ufffd' }, sameBodyAsValidated: true }),
  },
  { name: 'bodies: a __proto__ key is refused', policy: defaults, request: post('{"__proto__":{"polluted":true}}'), expect: denied(400, 'json_forbidden_key') },
  { name: 'bodies: a nested __proto__ key is refused', policy: defaults, request: post('{"a":[{"b":{"__proto__":{"polluted":true}}}]}'), expect: denied(400, 'json_forbidden_key') },
  { name: 'bodies: an escaped \\u005f_proto__ key is refused', policy: defaults, request: post('{"\\u005f_proto__":{"polluted":true}}'), expect: denied(400, 'json_forbidden_key') },
  { name: 'bodies: constructor.prototype is refused', policy: defaults, request: post('{"constructor":{"prototype":{"polluted":true}}}'), expect: denied(400, 'json_forbidden_key') },
  {
    name: 'bodies: a constructor key without prototype is fine',
    policy: defaults,
    request: post('{"constructor":{"name":"x"}}'),
    expect: handled({ body: { constructor: { name: 'x' } }, sameBodyAsValidated: true }),
  },
  {
    name: 'bodies: duplicate keys pass by default (last wins, as JSON.parse)',
    policy: defaults,
    request: post('{"role":"user","role":"admin"}'),
    expect: handled({ body: { role: 'admin' }, sameBodyAsValidated: true }),
  },
  { name: 'bodies: duplicate keys are refused with rejectDuplicateKeys', policy: noDuplicates, request: post('{"role":"user","role":"admin"}'), expect: denied(400, 'json_duplicate_key') },
  {
    name: 'bodies: escaped duplicate keys are refused with rejectDuplicateKeys',
    policy: noDuplicates,
    request: post('{"a":{"role":"user","r\\u006fle":"admin"}}'),
    expect: denied(400, 'json_duplicate_key'),
  },
  {
    name: 'bodies: rejectDuplicateKeys passes the same key in sibling objects',
    policy: noDuplicates,
    request: post('[{"role":"user"},{"role":"admin"}]'),
    expect: handled({ body: [{ role: 'user' }, { role: 'admin' }], sameBodyAsValidated: true }),
  },
  { name: 'bodies: a +json media type is JSON', policy: defaults, request: post('{"data":{"id":"1"}}', 'application/vnd.api+json'), expect: handled({ body: { data: { id: '1' } }, sameBodyAsValidated: true }) },
  { name: 'bodies: application/json; charset=utf-8 is JSON', policy: defaults, request: post('{"x":"y"}', 'application/json; charset=UTF-8'), expect: handled({ body: { x: 'y' }, sameBodyAsValidated: true }) },
  { name: 'bodies: charset=latin1 is 415', policy: defaults, request: post('{"x":"y"}', 'application/json; charset=latin1'), expect: denied(415, 'unsupported_media_type') },
  { name: 'bodies: two charsets are 415', policy: defaults, request: post('{"x":"y"}', 'application/json; charset=utf-8; charset=latin1'), expect: denied(415, 'unsupported_media_type') },
  { name: 'bodies: a malformed Content-Type is 415', policy: defaults, request: post('{"x":"y"}', 'application/'), expect: denied(415, 'unsupported_media_type') },
  {
    name: 'bodies: Content-Encoding gzip is 415',
    policy: defaults,
    request: post(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]), 'application/json', [['Content-Encoding', 'gzip']]),
    expect: denied(415, 'content_encoding_unsupported'),
  },
  {
    name: 'bodies: form-urlencoded is parsed',
    policy: defaults,
    request: post('a=1&b=2&b=3&c=caf%C3%A9+au+lait', 'application/x-www-form-urlencoded'),
    expect: handled({ body: { a: '1', b: ['2', '3'], c: 'café au lait' }, sameBodyAsValidated: true }),
  },
  { name: 'bodies: malformed form-urlencoded is 400', policy: defaults, request: post('a=%zz', 'application/x-www-form-urlencoded'), expect: denied(400, 'form_invalid') },
  { name: 'bodies: text/plain is decoded', policy: defaults, request: post('hello, wörld', 'text/plain; charset=utf-8'), expect: handled({ body: 'hello, wörld', sameBodyAsValidated: true }) },
  {
    name: 'bodies: an unknown media type is passed through unread',
    policy: defaults,
    request: post(Buffer.from([0, 1, 2, 3, 0xff]), 'application/octet-stream'),
    expect: handled({ body: null, sameBodyAsValidated: false }),
  },
  { name: 'bodies: a body without Content-Type is passed through unread', policy: defaults, request: post('{"a":1}', null), expect: handled({ body: null, sameBodyAsValidated: false }) },
  { name: 'bodies: an empty JSON body is no body', policy: defaults, request: post(''), expect: handled({ body: null, sameBodyAsValidated: false }) },
  {
    name: 'bodies: chunked valid JSON is read and handed on',
    policy: defaults,
    request: { method: 'POST', target: '/echo', headers: [JSON_TYPE], chunks: ['{"a":', '[1,2', ']}'] },
    expect: handled({ body: { a: [1, 2] }, sameBodyAsValidated: true }),
  },
  {
    name: 'bodies: chunked malformed JSON is 400',
    policy: defaults,
    request: { method: 'POST', target: '/echo', headers: [JSON_TYPE], chunks: ['{"a":', '[1,2'] },
    expect: denied(400, 'json_invalid'),
  },
  {
    name: 'bodies: PUT with JSON is read like POST',
    policy: defaults,
    request: { method: 'PUT', target: '/echo', headers: [JSON_TYPE], body: '[1]' },
    expect: handled({ method: 'PUT', body: [1], sameBodyAsValidated: true }),
  },
  {
    name: 'bodies: DELETE with a JSON body is read and handed on',
    policy: defaults,
    request: { method: 'DELETE', target: '/echo', headers: [JSON_TYPE], body: '{"ids":[1,2]}' },
    expect: handled({ method: 'DELETE', body: { ids: [1, 2] }, sameBodyAsValidated: true }),
  },
  {
    name: 'bodies: GET with a malformed JSON body is refused like any other method',
    policy: defaults,
    request: { method: 'GET', target: '/echo', headers: [JSON_TYPE], body: '{"a":' },
    expect: denied(400, 'json_invalid'),
  },
  {
    name: 'bodies: GET with a __proto__ JSON body is refused',
    policy: defaults,
    request: { method: 'GET', target: '/echo', headers: [JSON_TYPE], body: '{"__proto__":{"polluted":true}}' },
    expect: denied(400, 'json_forbidden_key'),
  },
  {
    name: 'bodies: two Content-Type fields are 415 (which one would the parser use?)',
    policy: defaults,
    request: { method: 'POST', target: '/echo', headers: [JSON_TYPE, ['Content-Type', 'text/plain']], body: '{"a":1}' },
    expect: denied(415, 'unsupported_media_type'),
  },
  {
    name: 'bodies: Expect: 100-continue with valid JSON is read after the interim answer',
    policy: defaults,
    request: { method: 'POST', target: '/echo', headers: [JSON_TYPE, ['Expect', '100-continue']], body: '{"a":1}' },
    expect: handled({ body: { a: 1 }, sameBodyAsValidated: true }),
  },
  {
    name: 'bodies (framework body parser): valid JSON is the object Portcullis validated',
    policy: parsedByFramework,
    options: { frameworkBodyParser: true },
    request: post('{"a":{"b":1}}'),
    expect: handled({ body: { a: { b: 1 } }, sameBodyAsValidated: true }),
  },
  {
    name: 'bodies (framework body parser): JSON too deep is 400',
    policy: parsedByFramework,
    options: { frameworkBodyParser: true },
    request: post('{"a":{"b":{"c":{"d":1}}}}'),
    expect: denied(400, 'json_too_deep'),
  },
  {
    name: 'bodies (framework body parser): a __proto__ key is refused',
    policy: parsedByFramework,
    options: { frameworkBodyParser: true },
    request: post('{"__proto__":{"polluted":true}}'),
    expect: denied(400, 'json_forbidden_key'),
  },
];
